using System.CommandLine;
using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae reconstruct`: reconstructions of a dataset to .npy or CSV, with the error printed.</summary>
internal static class ReconstructCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Output file: .npy (shaped like the data) or .csv (one flattened sample a row).", Required = true };
        return ModelOnDataCommand.Create("reconstruct", "Reconstruct a dataset through the model and write the result.", [output], run =>
        {
            using var scope = torch.NewDisposeScope();
            Tensor reconstructions = run.Model.ReconstructAll(run.Data);
            string path = run.Parse.GetValue(output)!;
            TensorFileWriter.Write(path, reconstructions, labels: null, columnPrefix: "x");
            ReconstructionMetrics metrics = ReconstructionMetrics.Compute(run.Data.Features, reconstructions);
            run.Output.WriteLine($"wrote {reconstructions.shape[0]} reconstructions to {path}; squared error per sample {metrics.SquaredErrorPerSample:F3}, PSNR {metrics.PeakSignalToNoiseRatio:F2} dB");
            return 0;
        });
    }
}
