using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Persistence;
using AutoEncoders.Training;

namespace AutoEncoders.Tests.Cli;

/// <summary>
/// Issue 14's training rows, through `ae train` in this process: a diverging run ends in one line and keeps its last
/// good state, options are refused before a run folder exists, unwritable folders and oversized models are named in
/// one line, leftovers of killed checkpoint writes go, and a held run is refused.
/// </summary>
public sealed class TrainingReliabilityTests
{
    [Fact]
    public void A_non_finite_loss_ends_in_one_line_and_keeps_the_run_with_its_last_good_state_to_resume()
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "diverging", """{ "kind": "sgd", "learningRate": 1000 }""", epochs: 2, trainLimit: 200);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        string line = SingleErrorLine(train);
        string run = Directory.GetDirectories(directory.File("runs")).Single();
        Assert.Matches(@"^error: .*: training stopped at epoch 1, batch \d+: the 'mse' term is (Infinity|NaN)", line);
        Assert.Contains($"saved in {Path.Combine(run, RunDirectory.CheckpointFile)}", line, StringComparison.Ordinal);
        Assert.Contains($"ae train --resume {run} --lr 100", line, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.CheckpointFile)));
        Assert.False(File.Exists(Path.Combine(run, TrainedAutoencoder.ManifestFile)), "a diverged run is not a finished model");

        // The checkpoint is the state before the failing batch: it loads, and every weight in it is finite.
        Recipe saved = new RunDirectory(run).LoadRecipe();
        using (Autoencoder model = saved.Model.Build())
        using (var trainer = new Trainer(model, saved.Objective, saved.Training with { Progress = ProgressMode.Silent }))
        {
            trainer.LoadCheckpoint(Path.Combine(run, RunDirectory.CheckpointFile));
            Assert.All(model.parameters(), p => Assert.True(p.isfinite().all().item<bool>(), "the saved state must be finite"));
        }

        // Resuming it runs from there; these weights are already so large that it stops again, in the same one line.
        CliRun resumed = CliRun.Of("train", "--resume", run, "--lr", "1e-9", "--threads", "1");
        Assert.True(resumed.ExitCode == 0 || SingleErrorLine(resumed).Contains("training stopped at epoch 1", StringComparison.Ordinal), resumed.Error);
    }

    [Fact]
    public void A_non_finite_weight_after_an_update_stops_training_and_no_model_is_saved()
    {
        // Adam's first step moves each weight by about the learning rate; 1e39 is finite as a double but not as a
        // float32, so the one update of the epoch leaves infinite and NaN weights, which only the epoch-end check sees.
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "overflowing", """{ "kind": "adam", "learningRate": 1e39 }""", epochs: 3, trainLimit: 20);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        string line = SingleErrorLine(train);
        Assert.Contains("training stopped at epoch 1: the weights 'encoder.0.weight' are NaN or infinite (at the end of the epoch); an update diverged and no model was saved", line, StringComparison.Ordinal);
        Assert.Contains("nothing was kept", line, StringComparison.Ordinal);
        Assert.DoesNotContain("saved    ", train.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("runs")), "the --out folder this run made is removed with it");
    }

    [Fact]
    public void A_picture_that_cannot_be_drawn_is_skipped_with_its_reason_and_the_report_is_still_written()
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "pictures", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);
        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1", "--progress", "silent");
        Assert.True(train.ExitCode == 0, train.Error);
        string run = Directory.GetDirectories(directory.File("runs")).Single();

        // Weights finite but huge, as a run near divergence leaves them: the codes overflow to infinity, so the
        // PCA of the latent-space picture (linalg.eigh of a NaN covariance) fails. (NaN weights are refused on load.)
        using (TrainedAutoencoder trained = TrainedAutoencoder.Load(run))
        {
            using var noGrad = TorchSharp.torch.no_grad();
            foreach (TorchSharp.Modules.Parameter p in trained.Model.parameters())
            {
                p.fill_(3e38);
            }

            trained.Save(run);
        }

        CliRun report = CliRun.Of("report", run, "--test-images", TestData.MnistTestImages, "--test-labels", TestData.MnistTestLabels, "--samples", "200", "--maximization-steps", "0");
        Assert.True(report.ExitCode == 0, report.Error + report.Output);
        Assert.Matches(@"not drawn: [a-z-]+\.png: could not be drawn: \S", report.Output);
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.ReportFile)));
    }

    [Theory]
    [InlineData("--epochs", "-1", "expected at least 1 epoch; found -1.")]
    [InlineData("--epochs", "0", "expected at least 1 epoch; found 0.")]
    [InlineData("--lr", "NaN", "expected a positive finite learning rate; found ")]
    [InlineData("--lr", "Infinity", "expected a positive finite learning rate; found ")]
    [InlineData("--lr", "-0.1", "expected a positive finite learning rate; found -0.1.")]
    [InlineData("--batch-size", "0", "expected at least 1 sample per batch; found 0.")]
    [InlineData("--validation-split", "2", "expected a fraction in [0, 1); found 2.")]
    [InlineData("--validation-split", "NaN", "expected a fraction in [0, 1); found ")]
    [InlineData("--train-limit", "0", "expected at least 1 sample; found 0.")]
    public void Every_option_is_refused_naming_it_before_a_run_folder_is_created(string option, string value, string expected)
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "refused", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), option, value, "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        Assert.StartsWith($"error: {option}: {expected}", SingleErrorLine(train), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("runs")), "nothing may be created for a refused option");
    }

    [Fact]
    public void A_cuda_device_on_the_cpu_build_is_refused_before_a_run_folder_is_created()
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "cuda", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--device", "cuda", "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        Assert.Contains("no CUDA device is available", SingleErrorLine(train), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("runs")), "nothing may be created for a device that is not there");
    }

    [Theory]
    [InlineData("\"epochs\": 0, \"batchSize\": 20", "training.epochs must be at least 1; found 0.")]
    [InlineData("\"epochs\": 1, \"batchSize\": 0", "training.batchSize must be at least 1; found 0.")]
    [InlineData("\"epochs\": 1, \"batchSize\": 20, \"validationSplit\": 1.5", "training.validationSplit must lie in [0, 1); found 1.5.")]
    public void Every_recipe_training_field_is_refused_before_a_run_folder_is_created(string training, string expected)
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "refused", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);
        File.WriteAllText(recipe, File.ReadAllText(recipe).Replace("\"epochs\": 1, \"batchSize\": 20", training, StringComparison.Ordinal));

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        Assert.EndsWith(expected, SingleErrorLine(train), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.File("runs")), "nothing may be created for a refused field");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_recipe_train_limit_below_one_is_refused_before_a_run_folder_is_created(long limit)
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "limit", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: limit);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        Assert.Equal($"error: {recipe}: data: data.trainLimit (--train-limit) must be at least 1 sample; found {limit}.", SingleErrorLine(train));
        Assert.False(Directory.Exists(directory.File("runs")));
    }

    [Fact]
    public void A_model_too_large_for_memory_is_refused_before_anything_is_allocated_with_both_sizes()
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "huge", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40, layers: "[784, 1000000000]");

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1");

        Assert.Equal(1, train.ExitCode);
        string line = SingleErrorLine(train);
        Assert.Matches(@"^error: .*huge\.json: model: training this model needs about [\d,.]+ GiB \(1\.57E\+12 parameters.* but [\d,.]+ [GM]iB of memory is available", line);
        Assert.False(Directory.Exists(directory.File("runs")));
    }

    [Fact]
    public void The_memory_estimate_counts_weights_gradients_and_optimiser_state()
    {
        var model = new DenseAutoencoderConfig { Layers = [784, 100] };
        var adam = new TrainerOptions { BatchSize = 10 };

        // 784·100 + 100 weights and biases each way, and one value per unit per sample for a batch of 10.
        double parameters = (784 * 100) + 100 + (100 * 784) + 784;
        double widths = 2 * (784 + 100);
        Assert.Equal(((parameters * 4) + (2 * 10 * widths)) * 4, TrainingMemoryCheck.EstimateBytes(model, adam));
        Assert.Equal(((parameters * 2) + (2 * 10 * widths)) * 4, TrainingMemoryCheck.EstimateBytes(model, adam with { Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd } }));

        TrainingMemoryCheck.Require(model, adam, "m", availableBytes: 10_000_000);
        var refused = Assert.Throws<ArgumentException>(() => TrainingMemoryCheck.Require(model, adam, "m", availableBytes: 1_000_000));
        Assert.Contains("needs about 2.5 MiB", refused.Message, StringComparison.Ordinal);
        Assert.Contains("but 1.0 MiB of memory is available", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_folder_without_write_permission_is_named_in_one_line_for_train_and_encode()
    {
        // The tests may run as root, who may write almost anywhere; sysfs refuses everyone a new entry (EPERM/EACCES),
        // which .NET reports as UnauthorizedAccessException, the exception a non-root user gets for a folder mode 555.
        const string unwritable = "/sys/ae-no-write";
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "unwritable", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", unwritable, "--threads", "1");
        Assert.Equal(1, train.ExitCode);
        Assert.StartsWith($"error: {unwritable}: cannot create the run folder there: permission denied", SingleErrorLine(train), StringComparison.Ordinal);

        CliRun trained = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1", "--progress", "silent");
        Assert.True(trained.ExitCode == 0, trained.Error);
        string run = Directory.GetDirectories(directory.File("runs")).Single();
        CliRun encode = CliRun.Of("encode", run, "--images", TestData.MnistTestImages, "--limit", "5", "--out", "/sys/codes.csv");
        Assert.Equal(1, encode.ExitCode);
        Assert.StartsWith("error: /sys: cannot write codes.csv there: permission denied", SingleErrorLine(encode), StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_path_through_a_file_is_named_in_one_line_for_train_export_and_weights()
    {
        using var directory = new TempDirectory();
        string file = directory.Write("plain.txt", "not a folder");
        string recipe = TinyRecipe(directory, "through-file", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);

        CliRun train = CliRun.Of("train", "--recipe", recipe, "--out", Path.Combine(file, "runs"), "--threads", "1");
        Assert.Equal(1, train.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(file, "runs")}: cannot create the run folder there (", SingleErrorLine(train), StringComparison.Ordinal);

        CliRun trained = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1", "--progress", "silent");
        Assert.True(trained.ExitCode == 0, trained.Error);
        string run = Directory.GetDirectories(directory.File("runs")).Single();
        CliRun export = CliRun.Of("export", run, "-o", Path.Combine(file, "onnx"));
        Assert.Equal(1, export.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(file, "onnx")}: cannot write the .onnx files there: cannot create this folder (", SingleErrorLine(export), StringComparison.Ordinal);
        CliRun weights = CliRun.Of("weights", "export", run, "-o", Path.Combine(file, "model.safetensors"));
        Assert.Equal(1, weights.ExitCode);
        Assert.StartsWith($"error: {file}: cannot write model.safetensors there: cannot create this folder (", SingleErrorLine(weights), StringComparison.Ordinal);
        Assert.Equal(["plain.txt", "runs", "through-file.json"], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Temporary_files_of_killed_checkpoint_writes_are_removed_when_the_run_resumes_and_a_held_run_is_refused()
    {
        using var directory = new TempDirectory();
        string recipe = TinyRecipe(directory, "leftovers", """{ "learningRate": 0.01 }""", epochs: 1, trainLimit: 40);
        CliRun first = CliRun.Of("train", "--recipe", recipe, "--out", directory.File("runs"), "--threads", "1", "--progress", "silent");
        Assert.True(first.ExitCode == 0, first.Error);
        string run = Directory.GetDirectories(directory.File("runs")).Single();

        // What kill -9 during a checkpoint write leaves: the temporary of a process that no longer exists.
        int gone = DeadProcessId();
        string leftover = Path.Combine(run, $".{RunDirectory.CheckpointFile}.{gone}.tmp");
        File.WriteAllBytes(leftover, new byte[1000]);
        string leftoverWeights = Path.Combine(run, $".weights.bin.{gone}.tmp");
        File.WriteAllBytes(leftoverWeights, new byte[1000]);

        // While another holder has the run, a resume is refused and touches nothing.
        string recipeBefore = File.ReadAllText(Path.Combine(run, RunDirectory.RecipeFile));
        using (new RunDirectory(run).Lock())
        {
            CliRun refused = CliRun.Of("train", "--resume", run, "--epochs", "3", "--threads", "1");
            Assert.Equal(1, refused.ExitCode);
            Assert.StartsWith($"error: the run {run} is in use by ", SingleErrorLine(refused), StringComparison.Ordinal);
            Assert.Equal(recipeBefore, File.ReadAllText(Path.Combine(run, RunDirectory.RecipeFile)));
            Assert.True(File.Exists(leftover));
        }

        CliRun resumed = CliRun.Of("train", "--resume", run, "--epochs", "2", "--threads", "1", "--progress", "silent");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.False(File.Exists(leftover), "the leftover temporary must be removed on resume");
        Assert.False(File.Exists(leftoverWeights), "leftovers of the run's other files go too");
        Assert.Empty(Directory.GetFiles(run, ".*.tmp"));
    }

    /// <summary>A dense 784-8 recipe on the first <paramref name="trainLimit"/> MNIST test digits, batches of 20, linear output, MSE.</summary>
    internal static string TinyRecipe(TempDirectory directory, string name, string optimizer, int epochs, long trainLimit, string layers = "[784, 8]") =>
        directory.Write($"{name}.json", $$"""
            {
              "name": "{{name}}",
              "model": { "kind": "dense", "layers": {{layers}}, "outputActivation": "linear" },
              "objective": { "reconstruction": { "kind": "mse" } },
              "training": { "epochs": {{epochs}}, "batchSize": 20, "seed": 5, "progress": "lines", "optimizer": {{optimizer}} },
              "data": { "trainImages": "{{TestData.MnistTestImages}}", "trainLabels": "{{TestData.MnistTestLabels}}", "trainLimit": {{trainLimit}} }
            }
            """);

    internal static string SingleErrorLine(CliRun run)
    {
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one error line, found {lines.Length}:\n{run.Error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }

    private static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }
}
