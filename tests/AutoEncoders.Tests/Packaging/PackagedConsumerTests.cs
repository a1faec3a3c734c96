using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using AutoEncoders.Build;
using Xunit.Abstractions;

namespace AutoEncoders.Tests.Packaging;

/// <summary>
/// What a stranger does with the packages, outside this repository: a new console project that adds the library
/// from the local feed, trains and encodes; the `ae` tool installed from the feed; the samples built against the
/// package. These are the README's Install commands.
/// </summary>
public sealed partial class PackagedConsumerTests(PackageFeed feed, ITestOutputHelper log) : IClassFixture<PackageFeed>
{
    // The libraries in a consumer's output are hard links into the NuGet cache instead of 1.5 GB of copies (libtorch
    // for three platforms): faster, and it checks that the compatibility step never writes through such a link.
    private const string HardLinks = "-p:CreateHardLinksForCopyLocalIfPossible=true";

    private const string ConsumerProgram = """
        using AutoEncoders.Data;
        using AutoEncoders.Models;
        using AutoEncoders.Models.Dense;
        using AutoEncoders.Objectives;
        using AutoEncoders.Persistence;
        using AutoEncoders.Runtime;
        using AutoEncoders.Training;
        using TorchSharp;

        try
        {
            TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
        }
        catch (TorchUnavailableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 3;
        }

        using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test);
        using TensorDataset slice = test.Slice(0, 1000);
        var config = new DenseAutoencoderConfig { Layers = [784, 64, 8] };
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy() };
        Autoencoder model = config.Build();
        using var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 1, BatchSize = 100 });
        TrainingHistory history = trainer.Fit(slice);
        using var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective }, history);
        using torch.Tensor codes = trained.EncodeAll(slice);
        Console.WriteLine(FormattableString.Invariant($"trained epochs {history.Epochs.Count} loss {history.Last!.Train["loss"]:F4} codes {string.Join('x', codes.shape)}"));
        return 0;
        """;

    [Fact]
    public void A_new_console_project_adds_the_library_from_the_feed_trains_one_epoch_encodes_and_publishes()
    {
        string project = NewConsumer("Trainer");

        var run = PackageFeed.Run("dotnet", ["run", "-c", "Release", HardLinks], project);

        Match result = TrainedLine().Match(run.Output);
        Assert.True(result.Success, run.Output + run.Error);
        Assert.Equal("1", result.Groups["epochs"].Value);
        double loss = double.Parse(result.Groups["loss"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(loss, 0.05, 0.75); // binary cross-entropy per pixel after one epoch: finite, below an untrained model's
        Assert.Equal("1000x8", result.Groups["codes"].Value);
        // The package's build step patched the consumer's copy exactly where this system needs it.
        string built = Path.Combine(project, "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(built, "libstdc++.so.6"));
        // ...through a new file: the NuGet cache's copy, which the output hard-links to, is as TorchSharp shipped it.
        Assert.Contains(("GLIBCXX_3.4.32", false), ElfVersionPatcher.ReadNeededVersions(PackageFeed.UpstreamLibTorchSharp, "libstdc++.so.6"));

        // And a publish for Linux puts a loadable copy beside the program.
        string published = Path.Combine(feed.Root, "published");
        PackageFeed.Run("dotnet", ["publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", published, "-p:CreateHardLinksForPublishFilesIfPossible=true"], project);
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(Path.Combine(published, "libLibTorchSharp.so"), "libstdc++.so.6"));
        log.WriteLine($"consumer trained and encoded; {feed.ElapsedSeconds:F0} s since the fixture started (pack {feed.PackSeconds:F0} s)");
    }

    [Fact]
    public void Without_the_compatibility_step_the_library_and_ae_info_give_the_same_one_sentence_cause()
    {
        string project = NewConsumer("Unpatched");

        PackageFeed.Run("dotnet", ["build", "-c", "Debug", "-p:AeSkipLibTorchSharpCompat=true", HardLinks], project);
        string app = Path.Combine(project, "bin", "Debug", "net10.0", "Unpatched.dll");
        // With the first-use step off too (TorchRuntime.EnsureLoaded would otherwise patch the output's copy).
        var run = PackageFeed.Run("dotnet", [app], project, new Dictionary<string, string?> { ["AE_SKIP_LIBTORCHSHARP_COMPAT"] = "true" }, check: false);

        if (!PackageFeed.SystemNeedsCompat)
        {
            // Nothing to explain here: the library loads as TorchSharp shipped it.
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(0, feed.InfoWithoutCompat.ExitCode);
            return;
        }

        Assert.Equal(3, run.ExitCode);
        string cause = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: libtorch cannot load: libLibTorchSharp.so needs GLIBCXX_3.4.32 from libstdc++.so.6, which this system lacks;", cause, StringComparison.Ordinal);
        Assert.Contains("AeSkipLibTorchSharpCompat", cause, StringComparison.Ordinal);
        Assert.NotEqual(0, feed.InfoWithoutCompat.ExitCode);
        Assert.Equal(cause, feed.InfoWithoutCompat.Error.Trim());

        // The same build with the first-use step on: the library patches its own output's copy once and loads.
        var patched = PackageFeed.Run("dotnet", [app], project, check: false);
        Assert.Equal(0, patched.ExitCode);
        Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so.ae-checked")));
    }

    [Fact]
    public void The_installed_tool_patches_its_own_copy_only_where_needed_then_reports_and_trains()
    {
        // The package holds TorchSharp's file as published, whatever machine packed it.
        byte[] upstream = File.ReadAllBytes(PackageFeed.UpstreamLibTorchSharp);
        using (ZipArchive tool = ZipFile.OpenRead(Path.Combine(feed.Feed, $"AutoEncoders.Cli.{feed.Version}.nupkg")))
        using (Stream packaged = tool.GetEntry("tools/net10.0/any/runtimes/linux-x64/native/libLibTorchSharp.so")!.Open())
        using (var copy = new MemoryStream())
        {
            packaged.CopyTo(copy);
            Assert.Equal(upstream, copy.ToArray());
            Assert.Null(tool.Entries.FirstOrDefault(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal) && e.FullName.Contains("/runtimes/", StringComparison.Ordinal)));
        }

        Assert.Equal(upstream, feed.InstalledCopyAsPackaged);

        var first = PackageFeed.Run(feed.Ae, ["info"], feed.Root);
        var second = PackageFeed.Run(feed.Ae, ["info"], feed.Root);

        Assert.Contains("libtorch       2.10", first.Output, StringComparison.Ordinal);
        // The packages were made from this test run's build (pack.sh --no-build), whose assemblies carry the plain version.
        Assert.Contains($"AutoEncoders   {feed.Release}", first.Output, StringComparison.Ordinal);
        Assert.Equal(PackageFeed.SystemNeedsCompat, first.Error.Contains("marked GLIBCXX_3.4.32 weak", StringComparison.Ordinal));
        Assert.Equal("", second.Error.Trim()); // the first run's note comes once
        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat), ElfVersionPatcher.ReadNeededVersions(feed.InstalledLibTorchSharp, "libstdc++.so.6"));
        int changedBytes = upstream.Zip(File.ReadAllBytes(feed.InstalledLibTorchSharp)).Count(p => p.First != p.Second);
        Assert.InRange(changedBytes, PackageFeed.SystemNeedsCompat ? 1 : 0, PackageFeed.SystemNeedsCompat ? 2 : 0); // one flags field

        string runs = Path.Combine(feed.Root, "runs");
        var train = PackageFeed.Run(feed.Ae,
            ["train", "--dataset", "fashion-mnist", "--layers", "784,32", "--loss", "bce", "--epochs", "1", "--train-limit", "2000", "--out", runs],
            feed.Root);

        Assert.Contains("epoch 1/1", train.Output, StringComparison.Ordinal);
        string run = Assert.Single(Directory.GetDirectories(runs));
        Assert.True(File.Exists(Path.Combine(run, "weights.bin")), train.Output);
        log.WriteLine(train.Output);
    }

    [Theory]
    [InlineData("DenseFashionMnist")]
    [InlineData("TableAnomalies")]
    [InlineData("VaeSamples")]
    public void A_sample_builds_against_the_package(string sample)
    {
        string output = BuildSample(sample);

        Assert.Contains(("GLIBCXX_3.4.32", PackageFeed.SystemNeedsCompat),
            ElfVersionPatcher.ReadNeededVersions(Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), "libstdc++.so.6"));
    }

    [Fact]
    public void The_onnx_sample_builds_against_the_onnx_package_without_libtorch()
    {
        string output = BuildSample("OnnxMlNet");

        Assert.True(File.Exists(Path.Combine(output, "AutoEncoders.Onnx.dll")));
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libonnxruntime.so")));
        Assert.Empty(Directory.GetFiles(output, "*orch*", SearchOption.AllDirectories));
    }

    // Builds a sample where it lies, with its output outside the repository; the feed and version are this test's (in
    // place of samples/NuGet.config, whose feed folder a clean clone does not have yet). Returns its output folder.
    private string BuildSample(string sample)
    {
        string output = Path.Combine(feed.Root, "samples", sample);
        string config = Path.Combine(output, "nuget.config");
        Directory.CreateDirectory(output);
        File.WriteAllText(config, $"""<configuration><packageSources><add key="autoencoders" value="{feed.Feed}" /></packageSources></configuration>""");
        var build = PackageFeed.Run("dotnet",
            ["build", Path.Combine(RepositoryFolder.Root, "samples", sample), "-c", "Release",
             $"-p:AutoEncodersVersion={feed.Version}", $"-p:RestoreConfigFile={config}",
             $"-p:BaseOutputPath={output}/bin/", $"-p:BaseIntermediateOutputPath={output}/obj/", HardLinks],
            feed.Root);

        Assert.Contains("0 Error(s)", build.Output, StringComparison.Ordinal);
        string binaries = Path.Combine(output, "bin", "Release", "net10.0");
        Assert.True(File.Exists(Path.Combine(binaries, $"{sample}.dll")), build.Output);
        return binaries;
    }

    /// <summary>The README's library commands: a new console project, the feed beside the configured sources, the package.</summary>
    private string NewConsumer(string name)
    {
        string project = Path.Combine(feed.Root, name);
        PackageFeed.Run("dotnet", ["new", "console", "-o", project, "-n", name], feed.Root);
        File.WriteAllText(Path.Combine(project, "nuget.config"),
            $"""<configuration><packageSources><add key="autoencoders" value="{feed.Feed}" /></packageSources></configuration>""");
        PackageFeed.Run("dotnet", ["add", "package", "AutoEncoders", "--version", feed.Version], project);
        File.WriteAllText(Path.Combine(project, "Program.cs"), ConsumerProgram);
        return project;
    }

    [GeneratedRegex(@"trained epochs (?<epochs>\d+) loss (?<loss>[0-9.]+) codes (?<codes>[0-9x]+)")]
    private static partial Regex TrainedLine();
}
