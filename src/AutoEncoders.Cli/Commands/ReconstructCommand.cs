using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae reconstruct`: reconstructions of a dataset to .npy or CSV, with the error printed.</summary>
internal static class ReconstructCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var model = new Argument<string>("model") { Description = "A model or run directory." };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .npy (shaped like the data) or .csv (one flattened sample a row).", Required = true };
        var command = new Command("reconstruct", "Reconstruct a dataset through the model and write the result.") { model, output };
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
            Tensor reconstructions = trained.ReconstructAll(dataset);
            string path = parse.GetValue(output)!;
            TensorFileWriter.Write(path, reconstructions, labels: null, columnPrefix: "x");
            ReconstructionMetrics metrics = ReconstructionMetrics.Compute(dataset.Features, reconstructions);
            stdout.WriteLine($"wrote {reconstructions.shape[0]} reconstructions to {path}; squared error per sample {metrics.SquaredErrorPerSample:F3}, PSNR {metrics.PeakSignalToNoiseRatio:F2} dB");
            return 0;
        });
        return command;
    }
}
