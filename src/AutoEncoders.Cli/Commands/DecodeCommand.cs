using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae decode`: turns codes (CSV or .npy, as `ae encode` writes them) back into data.</summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var model = new Argument<string>("model") { Description = "A model or run directory." };
        var codes = new Option<string>("--codes") { Description = "Codes: .npy [N, k], or .csv with columns z0..z(k-1) (a 'label' column is ignored).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .npy or .csv.", Required = true };
        var command = new Command("decode", "Decode codes into data space.") { model, codes, output };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(parse.GetValue(model)!);
            using var scope = torch.NewDisposeScope();
            string codesPath = parse.GetValue(codes)!;
            Tensor input = TensorFileWriter.ReadCodes(codesPath);
            long[] codeShape = trained.Manifest.Model.CodeShape;
            long codeSize = codeShape.Aggregate(1L, (a, b) => a * b);
            if (input.shape.Length < 2 || input.shape[1..].Aggregate(1L, (a, b) => a * b) != codeSize)
            {
                throw new DataFormatException(codesPath, "shape", $"expected codes of the model's [{string.Join(", ", codeShape)}] values, one row per sample; found [{string.Join(", ", input.shape)}].");
            }

            Tensor decoded = trained.Decode(input.reshape([input.shape[0], .. codeShape]));
            string path = parse.GetValue(output)!;
            TensorFileWriter.Write(path, decoded, labels: null, columnPrefix: "x");
            stdout.WriteLine($"wrote {decoded.shape[0]} decoded samples to {path}");
            return 0;
        });
        return command;
    }
}
