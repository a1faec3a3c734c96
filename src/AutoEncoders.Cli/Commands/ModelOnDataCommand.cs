using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The shape shared by the commands that apply a trained model to a dataset (eval, encode, reconstruct, interpolate,
/// generate): a model directory argument, the data options (defaulting to the run's test split; the data is loaded
/// only when the action asks for it) and the runtime options.
/// </summary>
internal static class ModelOnDataCommand
{
    public static Command Create(string name, string description, IEnumerable<Option> options, Func<ModelOnData, int> run) =>
        DataCommand.Create(name, description, new Argument<string>("model") { Description = "A model or run directory (written by `ae train`)." }, options, (parse, stdout, directory, data, common) =>
        {
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            var dataset = new Lazy<TensorDataset>(() => Checked(data.LoadFor(parse, common, directory, stdout), trained));
            try
            {
                return run(new ModelOnData(parse, stdout, directory, trained, dataset, common));
            }
            finally
            {
                if (dataset.IsValueCreated)
                {
                    dataset.Value.Dispose();
                }
            }
        });

    /// <summary><paramref name="data"/>, refused with its file named when its samples do not fit the model's input.</summary>
    public static TensorDataset Checked(TensorDataset data, TrainedAutoencoder trained)
    {
        try
        {
            data.RequireSampleSize(trained.Manifest.Model.InputShape, "the model");
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }
}
