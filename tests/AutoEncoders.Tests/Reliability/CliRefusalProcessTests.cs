using System.Collections.Concurrent;
using System.Diagnostics;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Tests.Cli;
using SkiaSharp;
using TorchSharp;
using Xunit.Abstractions;

namespace AutoEncoders.Tests.Reliability;

/// <summary>
/// Bad inputs given to the real `ae` program, each in its own process (`dotnet ae.dll ...`, the build next to the
/// tests): every one must exit with 1 and print exactly one line on standard error, starting `error: `, with no
/// .NET stack trace, and leave no output file behind.
/// </summary>
public sealed class CliRefusalProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Bad_inputs_end_in_one_error_line_and_exit_code_1()
    {
        string[][] cases = MakeCases();
        var results = new ConcurrentBag<(string Args, int Code, string Error, string Output)>();
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, args =>
        {
            (int code, string stdout, string stderr) = RunAe(args);
            results.Add((string.Join(' ', args.Select(a => a.Replace(_temp.Path, "$TMP", StringComparison.Ordinal))), code, stderr, stdout));
        });
        output.WriteLine($"{cases.Length} processes in {clock.Elapsed.TotalSeconds:F1} s");

        var failures = new List<string>();
        foreach ((string args, int code, string error, string stdout) in results.OrderBy(r => r.Args, StringComparer.Ordinal))
        {
            string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            output.WriteLine($"ae {args} -> {code}: {error.Trim().Replace(_temp.Path, "$TMP", StringComparison.Ordinal)}");
            if (code != 1 || lines.Length != 1 || !lines[0].StartsWith("error: ", StringComparison.Ordinal) || error.Contains("   at ", StringComparison.Ordinal) || stdout.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"ae {args}: exit {code}, stderr: {error.Trim()}");
            }
        }

        string[] left = [.. Directory.EnumerateFileSystemEntries(_temp.Path, "out*", SearchOption.AllDirectories)];
        Assert.True(cases.Length >= 30, $"only {cases.Length} cases");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(left.Length == 0, $"left behind: {string.Join(", ", left)}");
    }

    public void Dispose() => _temp.Dispose();

    private string[][] MakeCases()
    {
        string T(string name) => _temp.File(name);
        byte[] images = SampleFiles.Idx(0x08, [30, 4, 4], i => (byte)(i * 7));
        byte[] labels = SampleFiles.Idx(0x08, [30], i => (byte)(i % 10));
        string goodImages = _temp.Write("good-images.idx", images);
        string goodLabels = _temp.Write("good-labels.idx", labels);
        string truncated = _temp.Write("truncated.idx", images[..100]);
        string badMagic = _temp.Write("magic.idx", [0x12, 0x34, .. images[2..]]);
        byte[] gzip = SampleFiles.Gzip(images);
        gzip[gzip.Length / 2] ^= 0x55;
        string corruptGzip = _temp.Write("corrupt.idx.gz", gzip);
        string ragged = _temp.Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        string nanCell = _temp.Write("nan.csv", "a,b,c\n1,2,3\n4,NaN,6\n");
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }\n";
        string emptyNpy = _temp.Write("empty.npy", SampleFiles.Npy(header, []));
        string trailingNpy = _temp.Write("trailing.npy", SampleFiles.Npy(header.Replace("(0, 4)", "(2, 4)", StringComparison.Ordinal).TrimEnd() + " junk\n", new byte[32]));
        string wrongShapeNpy = _temp.Write("shape.npy", SampleFiles.Npy(header.Replace("(0, 4)", "(3, 4)", StringComparison.Ordinal), new byte[32]));
        string hugeIndex = WriteIndex("huge.aeidx", bytes => BitConverter.GetBytes(1L << 62).CopyTo(bytes, 16));
        string cutIndex = WriteIndex("cut.aeidx", null, cut: 20);
        string sourceIndex = WriteIndex("source.aeidx", null, source: "{ not json");
        string laughs = _temp.Write("laughs.yaml", SampleFiles.BillionLaughs());
        string unclosed = _temp.Write("unclosed.yaml", "model: [\n");
        string noKind = _temp.Write("nokind.json", "{ \"model\": { \"layers\": [16, 4] } }");
        string negativeLimit = _temp.Write("limit.json", "{ \"model\": { \"kind\": \"dense\", \"layers\": [16, 4] }, \"data\": { \"dataset\": \"mnist\", \"trainLimit\": -1 } }");
        string deep = _temp.Write("deep.json", new string('[', 3000) + new string(']', 3000));
        string model = T("model");
        SampleFiles.SaveModel(model);
        string modelNoKind = T("model-nokind");
        SampleFiles.SaveModel(modelNoKind);
        File.WriteAllText(Path.Combine(modelNoKind, "model.json"), File.ReadAllText(Path.Combine(modelNoKind, "model.json")).Replace("\"kind\": \"dense\",", string.Empty, StringComparison.Ordinal));
        string modelCutWeights = T("model-cut");
        SampleFiles.SaveModel(modelCutWeights);
        string weights = Path.Combine(modelCutWeights, "weights.bin");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..200]);
        byte[] png = SampleFiles.Picture(SKEncodedImageFormat.Png);
        png[30] ^= 0x01;
        string badCrc = _temp.Write("crc.png", png);
        string pngFolder = T("pictures");
        _temp.Write("pictures/cat/a.png", SampleFiles.Picture(SKEncodedImageFormat.Png));
        _temp.Write("pictures/cat/b.png", SampleFiles.Picture(SKEncodedImageFormat.Png)[..60]);
        string data = TestData.DatasetsRoot;
        return
        [
            ["inspect", truncated],
            ["inspect", badMagic],
            ["inspect", corruptGzip],
            ["inspect", ragged],
            ["inspect", nanCell],
            ["inspect", badCrc],
            ["inspect", pngFolder],
            ["summary", laughs],
            ["summary", unclosed],
            ["summary", noKind],
            ["summary", negativeLimit],
            ["summary", deep],
            ["summary", modelNoKind],
            ["train", "--recipe", laughs, "-o", T("out-train1")],
            ["train", "--recipe", unclosed, "-o", T("out-train2")],
            ["train", "--recipe", negativeLimit, "-o", T("out-train3")],
            ["train", "--epochs", "abc", "-o", T("out-train4")],
            ["pretrain", "--recipe", laughs, "-o", T("out-pretrain")],
            ["encode", modelNoKind, "--images", goodImages, "-o", T("out-encode1.npy")],
            ["encode", modelCutWeights, "--images", goodImages, "-o", T("out-encode2.npy")],
            ["encode", model, "--images", truncated, "-o", T("out-encode3.npy")],
            ["encode", model, "--images", goodImages, "--limit", "-1", "-o", T("out-encode4.npy")],
            ["reconstruct", model, "--images", corruptGzip, "-o", T("out-reconstruct.npy")],
            ["decode", model, "--codes", emptyNpy, "-o", T("out-decode1.npy")],
            ["decode", model, "--codes", trailingNpy, "-o", T("out-decode2.npy")],
            ["decode", model, "--codes", wrongShapeNpy, "-o", T("out-decode3.npy")],
            ["search", hugeIndex, "--images", goodImages],
            ["search", cutIndex, "--images", goodImages],
            ["search", sourceIndex, "--images", goodImages],
            ["detect", "fit", "--images", goodImages, "--labels", goodLabels, "--anomaly-class", "1", "--percentile", "150", "-o", T("out-detect1")],
            ["detect", "fit", "--images", goodImages, "--labels", goodLabels, "--anomaly-class", "1", "--fpr", "2", "-o", T("out-detect2")],
            ["eval", T("no-such-model"), "--images", goodImages],
            ["no-such-command"],
            ["search", hugeIndex, "--dataset", "mnist", "--data-dir", data],
        ];
    }

    private string WriteIndex(string name, Action<byte[]>? damage, int cut = 0, string source = "")
    {
        string path = _temp.File(name);
        using (var index = new CodeIndex(torch.rand(5, 4), [0, 1, 2, 3, 4], source: source))
        {
            index.Save(path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        damage?.Invoke(bytes);
        File.WriteAllBytes(path, bytes[..^cut]);
        return path;
    }

    // `dotnet ae.dll` in its own process (see AeProcess).
    private static (int Code, string Output, string Error) RunAe(string[] args)
    {
        CliRun run = AeProcess.Run(120, args);
        return (run.ExitCode, run.Output, run.Error);
    }
}
