using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae encode`: codes of a dataset to CSV (with labels) or .npy.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var model = new Argument<string>("model") { Description = "A model or run directory." };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .csv (label column first when labelled) or .npy.", Required = true };
        var command = new Command("encode", "Write the codes of a dataset to CSV or .npy (dimensionality reduction).") { model, output };
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string directory = parse.GetValue(model)!;
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(directory);
            DataSource? recipeData = File.Exists(Path.Combine(directory, RunDirectory.RecipeFile)) ? RunDirectory.Open(directory).LoadRecipe().Data : null;
            using TensorDataset dataset = data.Load(parse, common.DatasetOptions(parse, stdout), recipeData);
            using var scope = torch.NewDisposeScope();
            Tensor codes = trained.EncodeAll(dataset).reshape(dataset.Count, -1);
            string path = parse.GetValue(output)!;
            TensorFileWriter.Write(path, codes, dataset.Labels, columnPrefix: "z");
            stdout.WriteLine($"wrote {codes.shape[0]} codes of {codes.shape[1]} values to {path}");
            return 0;
        });
        return command;
    }
}
