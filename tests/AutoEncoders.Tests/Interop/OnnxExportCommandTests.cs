using System.Globalization;
using System.Text;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Persistence;
using AutoEncoders.Tests.Cli;
using TorchSharp;

namespace AutoEncoders.Tests.Interop;

/// <summary>
/// `ae export --format onnx` on a detector folder written by `ae detect fit` (its detector.onnx scores raw table rows
/// as `ae detect score` does) and on a model folder, and its refusals: a missing or corrupt folder, a detector whose
/// score ONNX cannot reproduce, nothing written when it refuses.
/// </summary>
public sealed class OnnxExportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("combined")]
    [InlineData("knn-max")] // the tables' default: its rank-Gauss part is a binary search and a lookup table in the graph
    public void A_detector_folder_exports_a_detector_that_scores_raw_rows_as_ae_detect_score_does(string scoreKind)
    {
        string train = _temp.Write("train.csv", Table(new Random(1), normal: 200, anomalies: 0));
        string test = _temp.Write("test.csv", Table(new Random(2), normal: 40, anomalies: 8));
        string detector = _temp.File("detector");
        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id",
            "--kind", "ensemble", "--score", scoreKind, "--epochs", "5", "--layers", "8,2", "--seed", "2", "--threads", "1", "-o", detector);
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        string scores = _temp.File("scores.csv");
        CliRun scored = CliRun.Of("detect", "score", detector, "--table", test, "--scores", scores, "--threads", "1");
        Assert.True(scored.ExitCode == 0, scored.Error + scored.Output);

        string onnx = _temp.File("onnx");
        CliRun export = CliRun.Of("export", detector, "--format", "onnx", "-o", onnx);

        Assert.True(export.ExitCode == 0, export.Error + export.Output);
        string file = Path.Combine(onnx, OnnxDetectorExporter.DetectorFile);
        Assert.Contains($"wrote    {file}", export.Output, StringComparison.Ordinal);
        string[] memberFiles = [.. Enumerable.Range(0, 5).SelectMany(m => new[] { "encoder", "decoder", "autoencoder" }.Select(p => Path.Combine(onnx, $"member-{m}", $"{p}.onnx")))];
        Assert.All(memberFiles, f => Assert.True(File.Exists(f), f));
        Assert.Equal(string.Empty, OnnxRuntimeRun.Check([file, .. memberFiles.Take(3)]));

        // Raw rows (no normalisation: it is inside the graph) against the scores and per-feature errors ae detect score wrote.
        string[][] rows = [.. File.ReadAllLines(test).Skip(1).Select(l => l.Split(','))];
        float[] raw = [.. rows.SelectMany(r => r[1..(1 + Columns)].Select(v => float.Parse(v, CultureInfo.InvariantCulture)))];
        var result = OnnxRuntimeRun.Run(file, ("input", raw, [rows.Length, Columns]));
        string[] header = File.ReadLines(scores).First().Split(',');
        int score = Array.IndexOf(header, "score");
        int firstError = Array.FindIndex(header, h => h.StartsWith("error_", StringComparison.Ordinal));
        Assert.True(score >= 0 && firstError >= 0, string.Join(',', header));
        string[][] expected = [.. File.ReadAllLines(scores).Skip(1).Select(l => l.Split(','))];
        double scoreDifference = expected.Select((e, i) => Math.Abs(double.Parse(e[score], CultureInfo.InvariantCulture) - result["score"].Values[i])).Max();
        double errorDifference = expected.SelectMany((e, i) => e[firstError..(firstError + Columns)].Select((v, f) => Math.Abs(double.Parse(v, CultureInfo.InvariantCulture) - result["feature_error"].Values[(i * Columns) + f]))).Max();
        Assert.True(scoreDifference <= 1e-5, $"score: max |ONNX Runtime - ae detect score| = {scoreDifference:G3}");
        Assert.True(errorDifference <= 1e-5, $"feature_error: max |ONNX Runtime - ae detect score| = {errorDifference:G3}");
        Assert.Equal([rows.Length], result["score"].Shape);

        Dictionary<string, string> metadata = OnnxRuntimeRun.Metadata(file);
        Assert.Equal("detector", metadata["ae.part"]);
        Assert.Equal("{\"kind\":\"none\"}", metadata["ae.normalisation"]);
        Assert.StartsWith("{\"kind\":\"zscore\",\"mean\":[", OnnxRuntimeRun.Metadata(memberFiles[0])["ae.normalisation"], StringComparison.Ordinal);
        Assert.Contains("\"members\":5", metadata["ae.detector"], StringComparison.Ordinal);
        Assert.Contains($"\"score\":\"{scoreKind}\"", metadata["ae.detector"], StringComparison.Ordinal);
        double threshold = double.Parse(metadata["ae.threshold"], CultureInfo.InvariantCulture);
        int flagged = expected.Count(e => e[3] == "1");
        Assert.Equal(flagged, result["score"].Values.Count(s => s > threshold));
    }

    [Fact]
    public void A_model_folder_exports_and_bad_folders_or_unexportable_detectors_are_refused_leaving_nothing()
    {
        torch.manual_seed(3);
        string model = _temp.File("model");
        using (Autoencoder dense = new DenseAutoencoderConfig { Layers = [12, 6, 3], Activation = Activation.Tanh }.Build())
        {
            new TrainedAutoencoder(dense, new ModelManifest { Model = dense.Config }).Save(model);
        }

        string onnx = _temp.File("onnx");
        CliRun export = CliRun.Of("export", model, "-o", onnx);
        Assert.True(export.ExitCode == 0, export.Error + export.Output);
        Assert.Equal(["autoencoder.onnx", "decoder.onnx", "encoder.onnx"], Directory.GetFiles(onnx).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("dense", OnnxRuntimeRun.Metadata(Path.Combine(onnx, "encoder.onnx"))["ae.kind"]);
        Assert.Equal("{\"kind\":\"none\"}", OnnxRuntimeRun.Metadata(Path.Combine(onnx, "encoder.onnx"))["ae.normalisation"]);

        // The same folder as a sequence detector's (4 steps x 3 channels): its per-channel statistics become ae.normalisation.
        new SequenceDetectorFile { Length = 4, Channels = 3, ChannelMean = [0.5, -1, 2], ChannelScale = [1, 0.25, 3] }.Save(model);
        CliRun sequence = CliRun.Of("export", model, "-o", onnx);
        Assert.True(sequence.ExitCode == 0, sequence.Error + sequence.Output);
        Assert.Contains("is a sequence detector: its model is exported", sequence.Output, StringComparison.Ordinal);
        Assert.Equal("{\"kind\":\"zscore\",\"per\":\"channel\",\"mean\":[0.5,-1,2],\"std\":[1,0.25,3]}", OnnxRuntimeRun.Metadata(Path.Combine(onnx, "autoencoder.onnx"))["ae.normalisation"]);

        string missing = _temp.File("nowhere");
        CliRun none = CliRun.Of("export", missing, "-o", _temp.File("out1"));
        Assert.Equal((1, $"error: {missing}: no such model, run or detector folder.\n"), (none.ExitCode, none.Error));

        string empty = Directory.CreateDirectory(_temp.File("empty")).FullName;
        CliRun notModel = CliRun.Of("export", empty, "-o", _temp.File("out2"));
        Assert.Equal(1, notModel.ExitCode);
        Assert.StartsWith($"error: {empty} is not a model directory: model.json is missing", notModel.Error, StringComparison.Ordinal);

        File.WriteAllBytes(Path.Combine(model, "weights.bin"), [1, 2, 3]);
        CliRun corrupt = CliRun.Of("export", model, "-o", _temp.File("out3"));
        Assert.Equal(1, corrupt.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(model, "weights.bin")}: offset ", corrupt.Error, StringComparison.Ordinal);

        CliRun format = CliRun.Of("export", model, "--format", "tflite", "-o", _temp.File("out4"));
        Assert.Equal(1, format.ExitCode);
        Assert.Contains("tflite", format.Error, StringComparison.Ordinal);

        string train = _temp.Write("train.csv", Table(new Random(1), normal: 100, anomalies: 0));
        string vae = _temp.File("vae");
        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id",
            "--kind", "vae", "--score", "reconstruction", "--epochs", "1", "--layers", "4,2", "--seed", "2", "--threads", "1", "-o", vae);
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        string refusedOut = _temp.File("out5");
        CliRun refused = CliRun.Of("export", vae, "-o", refusedOut);
        Assert.Equal(1, refused.ExitCode);
        Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ONNX export: the detector's VariationalAutoencoder member scores by reconstruction probability", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(refusedOut));
        Assert.Equal(new[] { "none", "none", "none", "none" }, new[] { "out1", "out2", "out3", "out4" }.Select(o => Directory.Exists(_temp.File(o)) ? "some" : "none"));
    }

    private const int Columns = 5;

    // Four columns on very different scales (the z-score normaliser matters), rows as in DetectCommandTests, and a
    // discrete one (five levels: ties for the rank-Gauss part).
    private static string Table(Random random, int normal, int anomalies)
    {
        var text = new StringBuilder("id,small,large,ratio,offset,level,kind\n");
        for (int i = 0; i < normal + anomalies; i++)
        {
            double a = Gaussian(random), b = Gaussian(random);
            bool anomaly = i >= normal;
            double c = anomaly ? a + 3 : a;
            double[] row = [0.01 * a, 5000 + (1000 * (a + b)), (3 * c) - b, 100 + (0.5 * b), Math.Round(Math.Clamp(b, -2, 2))];
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
                .Append(anomaly ? ",anomaly\n" : ",normal\n");
        }

        return text.ToString();
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
