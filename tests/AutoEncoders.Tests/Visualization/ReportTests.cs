using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoEncoders.Runtime;
using AutoEncoders.Visualization;
using SkiaSharp;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Visualization;

[Collection(TrainedRunsGroup.Name)]
public sealed partial class ReportTests(TrainedRuns runs)
{
    private static readonly ReportOptions Quick = new() { MaxTestSamples = 400, MaximizationSteps = 25, MaxUnits = 8, Seed = 1 };

    private static readonly string[] SparseRunPictures =
    [
        "training-curves.png", "filters.png", "reconstructions.png", "denoising.png", "latent-space.png", "top-activations.png",
        "activation-maximization.png", "latent-grid.png", "samples.png", "interpolations.png", "sparsity-penalty.png",
    ];

    [Fact]
    public void Report_embeds_every_picture_and_needs_no_network()
    {
        string run = CopyRun(runs.Sparse);
        using TensorDataset test = runs.Test;
        RunReport report = new ReportBuilder(run) { Test = test, Options = Quick }.Build();

        Assert.Equal(SparseRunPictures.Order(StringComparer.Ordinal), report.Pictures.Select(p => Path.GetFileName(p.Path)).Order(StringComparer.Ordinal));
        Assert.Empty(report.Skipped);
        foreach (PictureFile picture in report.Pictures)
        {
            Assert.Equal(Path.Combine(run, "pictures"), Path.GetDirectoryName(picture.Path));
            using SKBitmap _ = Png.AssertPicture(picture, minColours: 3);
        }

        string html = File.ReadAllText(report.ReportPath);
        Assert.Equal(Path.Combine(run, "report.html"), report.ReportPath);
        Assert.Equal(report.Pictures.Count, DataUri().Count(html));
        foreach (PictureFile picture in report.Pictures)
        {
            Assert.Contains(Convert.ToBase64String(File.ReadAllBytes(picture.Path)), html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("sparse-denoising", html, StringComparison.Ordinal);
        Assert.Contains("Data fingerprint (SHA-256)", html, StringComparison.Ordinal);
        Assert.Contains("kl_sparsity", html, StringComparison.Ordinal);
        Assert.Contains("<td>bce</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_without_test_data_says_what_it_left_out()
    {
        string run = CopyRun(runs.Plain);
        RunReport report = new ReportBuilder(run) { Options = Quick }.Build();

        Assert.Equal(["filters.png", "training-curves.png"], report.Pictures.Select(p => Path.GetFileName(p.Path)).Order(StringComparer.Ordinal));
        Assert.Contains(report.Skipped, s => s.Picture == "Reconstructions" && s.Reason.Contains("no test data", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Picture == "Latent grid and samples" && s.Reason.Contains("not variational", StringComparison.Ordinal));
        Assert.Contains("Not drawn", File.ReadAllText(report.ReportPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_refuses_a_folder_that_is_not_a_run_and_test_data_of_another_size()
    {
        string empty = runs.NewFolder();
        FileNotFoundException missing = Assert.Throws<FileNotFoundException>(() => new ReportBuilder(empty).Build());
        Assert.Contains("model.json", missing.Message, StringComparison.Ordinal);

        string run = CopyRun(runs.Plain);
        File.WriteAllText(Path.Combine(run, "metrics.json"), "{\"loss\": \"low\"}");
        InvalidDataException metrics = Assert.Throws<InvalidDataException>(() => new ReportBuilder(run).Build());
        Assert.Contains("metrics.json", metrics.Message, StringComparison.Ordinal);
        Assert.Contains("\"loss\" must be a number", metrics.Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(run, "metrics.json"), "{\"loss\": 0.5, \"psnr_db\": \"Infinity\", \"kl\": null}");
        IReadOnlyDictionary<string, double> read = RunSummary.ReadMetrics(Path.Combine(run, "metrics.json"));
        Assert.Equal((0.5, double.PositiveInfinity), (read["loss"], read["psnr_db"]));
        Assert.True(double.IsNaN(read["kl"]));

        File.Delete(Path.Combine(run, "metrics.json"));
        TorchRuntime.EnsureLoaded();
        using var wrong = new TensorDataset(TorchSharp.torch.zeros(10, 100));
        AutoEncoders.Data.DataFormatException size = Assert.Throws<AutoEncoders.Data.DataFormatException>(() => new ReportBuilder(run) { Test = wrong, Options = Quick }.Build());
        Assert.Equal("sample shape: expected samples of shape [784] (784 values), as the model takes; found [100] (100 values).", $"{size.Location}: {size.Problem}");
    }

    [Fact]
    public void Report_opens_in_a_headless_browser_with_every_image_loaded_and_no_console_errors()
    {
        Chromium.Locate();
        string run = CopyRun(runs.Sparse);
        using TensorDataset test = runs.Test;
        RunReport report = new ReportBuilder(run) { Test = test, Options = Quick }.Build();
        string folder = runs.NewFolder();

        // A copy of the page with a probe that records load errors and, after the load event, each image's state.
        const string probe = """
            <script>
            window.__errors = [];
            window.addEventListener('error', e => window.__errors.push((e.target && e.target.tagName ? e.target.tagName + ': ' : '') + (e.message || 'failed to load')), true);
            window.addEventListener('load', () => {
              const images = Array.from(document.images);
              document.documentElement.setAttribute('data-probe', JSON.stringify({
                images: images.length,
                loaded: images.filter(i => i.complete && i.naturalWidth > 0).length,
                broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt),
                errors: window.__errors,
                title: document.title,
                width: document.documentElement.scrollWidth }));
            });
            </script>
            """;
        string probed = Path.Combine(folder, "probed.html");
        File.WriteAllText(probed, File.ReadAllText(report.ReportPath).Replace("<head>", "<head>\n" + probe, StringComparison.Ordinal));
        (int code, string dom, string log) = Chromium.Run(Path.Combine(folder, "profile-dom"), "--virtual-time-budget=10000", "--dump-dom", new Uri(probed).AbsoluteUri);
        Assert.True(code == 0, $"chromium --dump-dom exited {code}:\n{log}");
        Match found = ProbeAttribute().Match(dom);
        Assert.True(found.Success, $"the probe did not run (no data-probe attribute in the DOM):\n{dom[..Math.Min(dom.Length, 2000)]}");
        using JsonDocument result = JsonDocument.Parse(WebUtility.HtmlDecode(found.Groups[1].Value));
        JsonElement root = result.RootElement;
        Assert.Equal(report.Pictures.Count, root.GetProperty("images").GetInt32());
        Assert.Equal(report.Pictures.Count, root.GetProperty("loaded").GetInt32());
        Assert.Equal(0, root.GetProperty("broken").GetArrayLength());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
        Assert.Contains("sparse-denoising", root.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("width").GetInt32() <= 1300, "the page should not scroll sideways at 1280 pixels");
        string[] console = log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();
        Assert.True(console.Length == 0, "the page logged to the console:\n" + string.Join('\n', console));

        // The unmodified page, as a person would see it: a screenshot that is not blank and shows the heading.
        string shot = Path.Combine(folder, "report.png");
        (int shotCode, _, string shotLog) = Chromium.Run(Path.Combine(folder, "profile-shot"), "--hide-scrollbars", "--window-size=1280,2000", $"--screenshot={shot}", new Uri(report.ReportPath).AbsoluteUri);
        Assert.True(shotCode == 0, $"chromium --screenshot exited {shotCode}:\n{shotLog}");
        using SKBitmap screenshot = Png.Load(shot);
        Assert.Equal((1280, 2000), (screenshot.Width, screenshot.Height));
        Assert.True(Png.DistinctColours(screenshot) > 50, "the screenshot should show text and pictures, not a blank page");
        Assert.True(Png.DarkPixels(screenshot, new SKRectI(0, 0, 1280, 80)) > 300, "the run's name should be drawn as a heading");
        string[] shotConsole = shotLog.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();
        Assert.True(shotConsole.Length == 0, "the page logged to the console:\n" + string.Join('\n', shotConsole));
    }

    [Fact]
    public void Comparison_page_tables_the_runs_and_overlays_their_losses()
    {
        string output = Path.Combine(runs.NewFolder(), "compare.html");
        string written = ComparisonReport.Write([runs.Sparse, runs.Plain], output);

        Assert.Equal(output, written);
        string html = File.ReadAllText(output);
        Assert.Contains("<th>sparse-denoising</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th>plain-2d</th>", html, StringComparison.Ordinal);
        Assert.Contains("loss (test)", html, StringComparison.Ordinal);
        Assert.Contains("kl_sparsity (validation (last epoch))", html, StringComparison.Ordinal);
        Assert.Equal(1, DataUri().Count(html));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        using SKBitmap _ = Png.AssertPicture(new PictureFile(Path.ChangeExtension(output, null) + "-loss.png", 1120, 400, "loss", "overlay"), 1120, 400);
    }

    private string CopyRun(string run)
    {
        string copy = Path.Combine(runs.NewFolder(), Path.GetFileName(run));
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(run))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    [GeneratedRegex("src=\"data:image/png;base64,[A-Za-z0-9+/=]+\"")]
    private static partial Regex DataUri();

    [GeneratedRegex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("data-probe=\"([^\"]*)\"")]
    private static partial Regex ProbeAttribute();
}
