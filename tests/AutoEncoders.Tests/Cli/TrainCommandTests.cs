using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Tests.Cli;

public sealed class TrainCommandTests
{
    [Fact]
    public void Train_then_eval_encode_decode_and_reconstruct_through_the_command_line()
    {
        using var runs = new TempDirectory();
        string images = TestData.MnistTestImages;
        string labels = TestData.MnistTestLabels;
        using var recipeDirectory = new TempDirectory();
        string recipe = recipeDirectory.Write("tiny.json", $$"""
            {
              "name": "tiny",
              "model": { "kind": "dense", "layers": [784, 32, 4] },
              "objective": { "reconstruction": { "kind": "bce" } },
              "training": { "epochs": 2, "batchSize": 25, "seed": 3, "progress": "lines", "optimizer": { "learningRate": 0.005 } },
              "data": { "trainImages": "{{images}}", "trainLabels": "{{labels}}", "trainLimit": 600,
                        "testImages": "{{images}}", "testLabels": "{{labels}}", "testLimit": 300 }
            }
            """);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", runs.Path, "--threads", "1");
        Assert.True(train.ExitCode == 0, train.Error + train.Output);
        Assert.Contains("epoch 2/2", train.Output, StringComparison.Ordinal);
        string run = Directory.GetDirectories(runs.Path).Single();
        foreach (string file in new[] { "model.json", "weights.bin", "history.csv", "history.json", "recipe.json", "metrics.json", "checkpoint.ckpt" })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing from the run directory");
        }

        var metrics = new RunDirectory(run).LoadMetrics();
        Assert.InRange(metrics["squared_error_per_sample"], 10, 60); // untrained: about 190; the mean digit: about 52
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);

        CliRun eval = CliRun.Of("eval", run, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        var evaluated = JsonSerializer.Deserialize<Dictionary<string, double>>(eval.Output)!;
        Assert.Equal(metrics["bce"], evaluated["bce"], 1e-6);

        string codes = runs.File("codes.csv");
        Assert.Equal(0, CliRun.Of("encode", run, "--limit", "10", "--out", codes).ExitCode);
        string[] lines = File.ReadAllLines(codes);
        Assert.Equal("label,z0,z1,z2,z3", lines[0]);
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("7,", lines[1], StringComparison.Ordinal);

        Assert.Equal(0, CliRun.Of("decode", run, "--codes", codes, "--out", runs.File("decoded.npy")).ExitCode);
        using (TorchSharp.torch.Tensor decoded = AutoEncoders.Data.NpyFile.Read(runs.File("decoded.npy")))
        {
            Assert.Equal([10L, 784], decoded.shape);
        }

        CliRun reconstruct = CliRun.Of("reconstruct", run, "--limit", "20", "--out", runs.File("r.npy"));
        Assert.Contains("squared error per sample", reconstruct.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denoising_run_says_which_test_metrics_are_on_corrupted_inputs()
    {
        using var runs = new TempDirectory();
        string images = TestData.MnistTestImages;
        string recipe = runs.Write("denoise.json", $$"""
            {
              "name": "denoise",
              "model": { "kind": "dense", "layers": [784, 16] },
              "objective": { "reconstruction": { "kind": "bce" }, "corruption": { "kind": "masking", "fraction": 0.5 } },
              "training": { "epochs": 1, "batchSize": 50, "seed": 3 },
              "data": { "trainImages": "{{images}}", "trainLimit": 200, "testImages": "{{images}}", "testLimit": 100 }
            }
            """);
        const string Legend = "on inputs corrupted by {\"kind\":\"masking\",\"fraction\":0.5}, as in training: loss, bce; on clean inputs: squared_error_per_sample, mse_per_value, bce_per_value, psnr_db";

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", runs.File("runs"), "--threads", "1");
        Assert.True(train.ExitCode == 0, train.Error + train.Output);
        Assert.Contains("\n         " + Legend + "\n", train.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        string run = Directory.GetDirectories(runs.File("runs")).Single();
        CliRun eval = CliRun.Of("eval", run);
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains("  " + Legend + "\n", eval.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        // The two BCEs differ because their inputs do: half the pixels masked costs more than clean inputs.
        var metrics = new RunDirectory(run).LoadMetrics();
        Assert.True(metrics["bce"] > metrics["bce_per_value"], $"bce {metrics["bce"]} on masked inputs, bce_per_value {metrics["bce_per_value"]} on clean ones");
    }

    [Fact]
    public void A_run_that_fails_before_its_first_checkpoint_leaves_no_run_directory()
    {
        using var runs = new TempDirectory();
        using var recipeDirectory = new TempDirectory();
        string missing = recipeDirectory.File("no-such-images.idx");
        string recipe = recipeDirectory.Write("missing.json", $$"""
            {
              "name": "missing",
              "model": { "kind": "dense", "layers": [784, 4] },
              "training": { "epochs": 1, "batchSize": 25 },
              "data": { "trainImages": "{{missing}}" }
            }
            """);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", runs.Path, "--threads", "1");
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("no-such-images.idx", train.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(runs.Path));
    }

    [Fact]
    public void Bad_arguments_give_one_line_errors()
    {
        CliRun noData = CliRun.Of("train", "--layers", "784,x");
        Assert.Equal(1, noData.ExitCode);
        Assert.StartsWith("error: --layers: 'x' is not a layer size", noData.Error, StringComparison.Ordinal);

        using var directory = new TempDirectory();
        CliRun noModel = CliRun.Of("eval", directory.Path, "--dataset", "mnist");
        Assert.Equal(1, noModel.ExitCode);
        Assert.Contains("is not a model directory: model.json is missing", noModel.Error, StringComparison.Ordinal);

        CliRun noResume = CliRun.Of("train", "--resume", directory.Path);
        Assert.Contains("recipe.json is missing", noResume.Error, StringComparison.Ordinal);
    }
}
