using System.Globalization;
using System.Text.RegularExpressions;
using AutoEncoders.Applications.Search;

namespace AutoEncoders.Tests.Cli;

public sealed class SearchCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Builds_appends_searches_and_evaluates_an_index_of_mnist_images()
    {
        string index = _temp.File("mnist.aeidx");
        string[] test = ["--images", TestData.MnistTestImages, "--labels", TestData.MnistTestLabels];
        string[] train = ["--images", TestData.MnistTrain10kImages, "--labels", TestData.MnistTrain10kLabels];

        CliRun build = CliRun.Of(["index", "build", "--representation", "pca", "--dims", "20", "-o", index, "--limit", "300", .. test]);
        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Contains("wrote 300 pca vectors of 20 values with labels", build.Output, StringComparison.Ordinal);
        CliRun append = CliRun.Of(["index", "append", index, "--limit", "200", .. train]);
        Assert.True(append.ExitCode == 0, append.Error);
        Assert.Contains("appended 200 items", append.Output, StringComparison.Ordinal);
        using (CodeIndex loaded = CodeIndex.Load(index))
        {
            Assert.Equal(500, loaded.Count);
            Assert.EndsWith(":199", loaded.Ids![499], StringComparison.Ordinal);
        }

        string png = _temp.File("search.png");
        CliRun search = CliRun.Of(["search", index, "--query", "3,42", "-k", "4", "--png", png, .. test]);
        Assert.True(search.ExitCode == 0, search.Error);
        Match first = Regex.Match(search.Output, @"query 3 \(\d\):\s+1\. idx:\S+t10k-images-idx3-ubyte\.gz:3\s+distance (\S+)");
        Assert.True(first.Success, search.Output);
        Assert.InRange(double.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture), 0, 1e-3);
        Assert.Matches(@"query 42 \(\d\):\s+1\. idx:\S+:42\s", search.Output);
        Assert.True(new FileInfo(png).Length > 1000);

        CliRun evaluate = CliRun.Of(["search", index, "--evaluate", "300", "--leave-one-out", "-k", "5", .. test]);
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        double precision = double.Parse(Regex.Match(evaluate.Output, @"precision@5 (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(precision, 0.6, 0.99);

        CliRun missing = CliRun.Of(["search", _temp.File("none.aeidx"), .. test]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such index file", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Searching_an_index_of_identical_codes_warns_in_one_line_that_the_model_has_collapsed()
    {
        // What a collapsed model leaves: every item has the same code, every distance is 0.
        string[] test = ["--images", TestData.MnistTestImages, "--labels", TestData.MnistTestLabels];
        string collapsed = _temp.File("collapsed.aeidx");
        using (var index = new CodeIndex(TorchSharp.torch.full(20, 784, 0.25f), source: """{"representation":"raw"}"""))
        {
            index.Save(collapsed);
        }

        CliRun search = CliRun.Of(["search", collapsed, "--query", "0", "-k", "3", .. test]);
        Assert.True(search.ExitCode == 0, search.Error);
        Assert.Equal($"warning: {collapsed}: all 20 indexed codes are the same (largest spread of a dimension 0): the model has collapsed, every distance is equal and the neighbours below are arbitrary.\n", search.Error.ReplaceLineEndings("\n"));
        Assert.Contains("query 0 (7):", search.Output, StringComparison.Ordinal);

        // Codes that differ in one value of one item are not collapsed: no warning.
        string spread = _temp.File("spread.aeidx");
        using (TorchSharp.torch.Tensor codes = TorchSharp.torch.full(20, 784, 0.25f))
        {
            codes[3, 100] = TorchSharp.torch.tensor(0.75f);
            using var index = new CodeIndex(codes, source: """{"representation":"raw"}""");
            index.Save(spread);
        }

        CliRun fine = CliRun.Of(["search", spread, "--query", "0", "-k", "3", .. test]);
        Assert.True(fine.ExitCode == 0, fine.Error);
        Assert.Equal(string.Empty, fine.Error);
    }

    [Fact]
    public void Index_bench_times_the_three_metrics_on_random_codes()
    {
        CliRun run = CliRun.Of("index", "bench", "--items", "5000", "--dims", "16", "--queries", "16", "-k", "3", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("5,000 random items of 16 values, 16 queries, k = 3, 1 thread(s)", run.Output, StringComparison.Ordinal);
        foreach (string metric in new[] { "euclidean", "cosine", "hamming" })
        {
            Match line = Regex.Match(run.Output, metric + @"\s+(\S+) queries/s wall .+ (\S+) queries per CPU-second; first result (\d+)");
            Assert.True(line.Success, run.Output);
            Assert.True(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) > 0, line.Value);
            Assert.True(double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture) > 0, line.Value);
            Assert.InRange(long.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture), 0, 4999);
        }
    }
}
