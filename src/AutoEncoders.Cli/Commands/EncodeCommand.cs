using System.CommandLine;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae encode`: codes of a dataset to CSV (with labels) or .npy.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Output file: .csv (label column first when labelled) or .npy.", Required = true };
        return ModelOnDataCommand.Create("encode", "Write the codes of a dataset to CSV or .npy (dimensionality reduction).", [output], run =>
        {
            using var scope = torch.NewDisposeScope();
            Tensor codes = run.Model.EncodeAll(run.Data).reshape(run.Data.Count, -1);
            string path = run.Parse.GetValue(output)!;
            TensorFileWriter.Write(path, codes, run.Data.Labels, columnPrefix: "z");
            run.Output.WriteLine($"wrote {codes.shape[0]} codes of {codes.shape[1]} values to {path}");
            return 0;
        });
    }
}
