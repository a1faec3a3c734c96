using System.Text.Json;
using AutoEncoders.Persistence;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Cli;

public sealed class AdversarialCommandTests
{
    [Fact]
    public void An_adversarial_run_resumed_from_the_command_line_ends_with_the_weights_of_a_straight_run()
    {
        using var runs = new TempDirectory();
        string images = TestData.MnistTestImages;
        string labels = TestData.MnistTestLabels;
        string recipe = runs.Write("aae.json", $$"""
            {
              "name": "aae",
              "model": { "kind": "adversarial", "layers": [784, 48, 2], "discriminatorLayers": [32] },
              "objective": { "reconstruction": { "kind": "mse" } },
              "training": { "epochs": 2, "batchSize": 50, "seed": 4, "optimizer": { "learningRate": 0.002 } },
              "data": { "trainImages": "{{images}}", "trainLabels": "{{labels}}", "trainLimit": 400,
                        "testImages": "{{images}}", "testLabels": "{{labels}}", "testLimit": 300 }
            }
            """);

        CliRun straight = CliRun.Of("train", "--recipe", recipe, "--out", runs.File("straight"), "--threads", "1");
        Assert.True(straight.ExitCode == 0, straight.Error + straight.Output);
        CliRun half = CliRun.Of("train", "--recipe", recipe, "--epochs", "1", "--out", runs.File("split"), "--threads", "1");
        Assert.True(half.ExitCode == 0, half.Error + half.Output);
        string split = Directory.GetDirectories(runs.File("split")).Single();
        CliRun resumed = CliRun.Of("train", "--resume", split, "--epochs", "2", "--threads", "1");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Output);

        string straightRun = Directory.GetDirectories(runs.File("straight")).Single();
        using (TrainedAutoencoder a = TrainedAutoencoder.Load(straightRun))
        using (TrainedAutoencoder b = TrainedAutoencoder.Load(split))
        {
            Assert.Equal(2, b.History!.Epochs.Count);
            foreach ((string name, Tensor expected) in a.Model.state_dict())
            {
                Assert.True(expected.equal(b.Model.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming from the command line");
            }
        }

        // The codes against the prior N(0, I): moments of both samples and the MMD^2 statistics.
        CliRun eval = CliRun.Of("eval", straightRun, "--prior-match", "200", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        var metrics = JsonSerializer.Deserialize<Dictionary<string, double>>(eval.Output)!;
        Assert.InRange(metrics["prior_std_0"], 0.8, 1.2);
        Assert.InRange(metrics["prior_mean_1"], -0.25, 0.25);
        Assert.InRange(metrics["mmd2_prior_vs_prior"], -0.02, 0.02);
        Assert.True(metrics["mmd2"] > metrics["mmd2_prior_vs_prior"], "two epochs of a tiny AAE should not yet match the prior as well as a second prior sample");
        Assert.True(double.IsFinite(metrics["mmd2_standardized"]) && metrics["code_std_1"] > 0);

        CliRun bad = CliRun.Of("eval", straightRun, "--prior-match", "1");
        Assert.Contains("--prior-match needs 2 to 300 examples", bad.Error, StringComparison.Ordinal);
    }
}
