using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae export`: a trained model, run or detector folder as ONNX files (encoder.onnx, decoder.onnx, autoencoder.onnx,
/// and detector.onnx for a detector) that ONNX Runtime runs without libtorch; see docs/onnx.md.
/// </summary>
internal static class ExportCommand
{
    /// <summary>ae.normalisation of image data: the loaders give pixels divided by 255.</summary>
    private const string PixelScaling = "{\"kind\":\"scale\",\"divide\":255}";

    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A model or run directory (model.json, weights.bin) or a detector folder written by `ae detect fit`." };
        var format = new Option<string>("--format") { Description = "The file format: onnx (opset 17; -o names a folder) or safetensors (the weights for PyTorch; -o names a file; docs/interop.md).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx", "safetensors");
        var output = new Option<string>("--out", "-o") { Description = "The folder to write the files into (created when missing; files of the same names are replaced).", Required = true };
        var command = new Command("export", "Write a trained model (or anomaly detector) as ONNX files that run without libtorch: encoder, decoder, autoencoder (and detector).") { source, format, output };
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            string folder = parse.GetValue(source)!;
            string target = parse.GetValue(output)!;
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"{folder}: no such model, run or detector folder.");
            }

            if (parse.GetValue(format) == "safetensors")
            {
                return WeightsCommand.Export(folder, target, stdout);
            }

            TorchRuntime.EnsureLoaded();
            List<(string File, byte[] Bytes)> files = File.Exists(Path.Combine(folder, DetectorFile.FileName))
                ? Detector(folder, stdout)
                : Model(folder, stdout);
            foreach (string path in OnnxExporter.Write(target, files))
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote    {path} ({new FileInfo(path).Length:N0} bytes)"));
            }

            return 0;
        });
        return command;
    }

    private static List<(string File, byte[] Bytes)> Model(string folder, TextWriter stdout)
    {
        using TrainedAutoencoder trained = TrainedAutoencoder.Load(folder);
        DataFingerprint? data = trained.Manifest.Data;
        bool images = trained.Manifest.Model.InputShape.Length == 3 || data?.SampleShape.Count >= 2;
        string normalisation = images ? PixelScaling : OnnxExporter.NoNormalisation;
        if (File.Exists(Path.Combine(folder, SequenceDetectorFile.FileName)))
        {
            // A sequence detector's model takes series normalised per channel with the training statistics.
            SequenceDetectorFile settings = SequenceDetectorFile.Load(folder);
            normalisation = ChannelNormalisation(settings.ChannelMean, settings.ChannelScale);
            stdout.WriteLine($"note     {folder} is a sequence detector: its model is exported (inputs normalised per channel, see ae.normalisation); its window score is not");
        }

        Note(stdout, trained.Model);
        return [.. OnnxExporter.Build(trained.Model, normalisation)];
    }

    private static List<(string File, byte[] Bytes)> Detector(string folder, TextWriter stdout)
    {
        DetectorFile settings = DetectorFile.Load(folder);
        using DetectorFolder loaded = DetectorFolder.Load(folder, settings);
        AutoencoderAnomalyScorer scorer = loaded.Scorer;
        ColumnNormalizer? normalizer = settings.Normalizer is null ? null : ColumnNormalizer.Load(Path.Combine(folder, DetectorFile.NormalizerFileName));
        bool table = settings.Kind == DetectorFile.Table;
        string memberNormalisation = normalizer is not null ? OnnxDetectorExporter.NormalisationJson(normalizer) : table ? OnnxExporter.NoNormalisation : PixelScaling;
        var files = new List<(string File, byte[] Bytes)>
        {
            (OnnxDetectorExporter.DetectorFile, OnnxDetectorExporter.Build(scorer, normalizer, settings.Threshold, table ? OnnxExporter.NoNormalisation : PixelScaling)),
        };
        for (int m = 0; m < scorer.Members.Count; m++)
        {
            // One member's files beside detector.onnx; an ensemble's in member-0/, member-1/, ...
            string prefix = scorer.Members.Count == 1 ? string.Empty : DetectorFolder.MemberName(m) + Path.DirectorySeparatorChar;
            Note(stdout, scorer.Members[m]);
            files.AddRange(OnnxExporter.Build(scorer.Members[m], memberNormalisation).Select(f => (prefix + f.File, f.Bytes)));
        }

        return files;
    }

    private static string ChannelNormalisation(IReadOnlyList<double> mean, IReadOnlyList<double> scale)
    {
        static string Numbers(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return $"{{\"kind\":\"zscore\",\"per\":\"channel\",\"mean\":[{Numbers(mean)}],\"std\":[{Numbers(scale)}]}}";
    }

    private static void Note(TextWriter stdout, Models.Autoencoder model)
    {
        if (OnnxExporter.DecoderRefusal(model) is string why)
        {
            stdout.WriteLine($"note     no {OnnxExporter.DecoderFile}: {why}");
        }
    }
}
