using AutoEncoders.Cli;

namespace AutoEncoders.Tests.Visualization;

[Collection(TrainedRunsGroup.Name)]
public sealed class ReportCommandTests(TrainedRuns runs)
{
    [Fact]
    public void Ae_report_draws_pictures_from_the_test_files_given()
    {
        string run = Copy(runs.Plain);
        (int code, string output, string error) = Ae(
            "report", run, "--test-images", TestData.MnistTestImages, "--test-labels", TestData.MnistTestLabels,
            "--samples", "300", "--maximization-steps", "10", "--seed", "2");

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        foreach (string picture in new[] { "reconstructions.png", "latent-space.png", "latent-grid.png", "interpolations.png", "training-curves.png" })
        {
            Assert.True(File.Exists(Path.Combine(run, "pictures", picture)), $"{picture} was not drawn");
        }

        Assert.Contains("wrote 9 pictures", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ae_report_without_test_data_notes_it_and_refusals_are_one_line_errors()
    {
        string run = Copy(runs.Plain);
        (int code, string output, _) = Ae("report", run);
        Assert.Equal(0, code);
        Assert.Contains("note: no test data", output, StringComparison.Ordinal);
        Assert.Contains("not drawn: Reconstructions", output, StringComparison.Ordinal);

        string nowhere = Path.Combine(runs.NewFolder(), "missing");
        (int missingCode, _, string missingError) = Ae("report", nowhere);
        Assert.Equal(AeApplication.Failure, missingCode);
        Assert.StartsWith($"error: {nowhere}: no such run directory.", missingError, StringComparison.Ordinal);

        (int shapeCode, _, string shapeError) = Ae("report", run, "--image-shape", "1,10,10");
        Assert.Equal(AeApplication.Failure, shapeCode);
        Assert.Contains("needs 100", shapeError, StringComparison.Ordinal);
    }

    [Fact]
    public void Ae_compare_writes_one_page_for_several_runs()
    {
        string output = Path.Combine(runs.NewFolder(), "side-by-side.html");
        (int code, string stdout, string error) = Ae("compare", runs.Sparse, runs.Plain, "--output", output);

        Assert.True(code == 0, error);
        Assert.Contains($"wrote {output}", stdout, StringComparison.Ordinal);
        string html = File.ReadAllText(output);
        Assert.Contains("sparse-denoising", html, StringComparison.Ordinal);
        Assert.Contains("plain-2d", html, StringComparison.Ordinal);

        (int badCode, _, string badError) = Ae("compare", runs.Sparse, runs.NewFolder(), "--output", output);
        Assert.Equal(AeApplication.Failure, badCode);
        Assert.Contains("model.json is missing", badError, StringComparison.Ordinal);
    }

    [Fact]
    public void Ae_train_leaves_pictures_and_a_report_in_every_run()
    {
        string root = runs.NewFolder();
        (int code, string output, string error) = Ae(
            "train", "--layers", "784,16,2", "--dataset", "mnist", "--data-dir", TestData.DatasetsRoot, "--train-limit", "500",
            "--epochs", "1", "--batch-size", "100", "--progress", "silent", "--out", root, "--name", "tiny");

        Assert.True(code == 0, $"exit {code}: {error}\n{output}");
        Assert.DoesNotContain("warning:", error, StringComparison.Ordinal);
        string run = Assert.Single(Directory.GetDirectories(root));
        Assert.True(File.Exists(Path.Combine(run, "report.html")), output);
        Assert.Contains("report   ", output, StringComparison.Ordinal);
        foreach (string picture in new[] { "training-curves.png", "reconstructions.png", "latent-space.png", "latent-grid.png" })
        {
            Assert.True(File.Exists(Path.Combine(run, "pictures", picture)), $"{picture} was not drawn");
        }
    }

    private static (int Code, string Output, string Error) Ae(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = AeApplication.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Copy(string run)
    {
        string copy = Path.Combine(runs.NewFolder(), Path.GetFileName(run));
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(run))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
