using System.Globalization;
using System.Text.RegularExpressions;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;

namespace AutoEncoders.Tests.Cli;

public sealed class ReduceCommandTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Reduce_reports_the_autoencoder_next_to_pca_and_the_raw_data()
    {
        using var dir = new TempDirectory();
        TorchRuntime.SetSeed(5);
        var config = new DenseAutoencoderConfig { Layers = [784, 64, 8], EncoderActivations = [Activation.Relu, Activation.Linear] };
        var objective = new Objective { Reconstruction = new MeanSquaredError() };
        using (Autoencoder model = config.Build())
        {
            using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 3, BatchSize = 50, Progress = ProgressMode.Silent }))
            {
                trainer.Fit(mnist.First(1000));
            }

            new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective }).Save(dir.File("ae"));
        }

        CliRun run = CliRun.Of("reduce", dir.File("ae"), "--dataset", "mnist", "--data-dir", TestData.DatasetsRoot, "--train-limit", "1000", "--test-limit", "300", "--trust-samples", "300", "-k", "5");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("8-D codes", run.Output, StringComparison.Ordinal);
        (double mse, double accuracy, double trust) raw = Row(run.Output, "raw data", 784);
        (double mse, double accuracy, double trust) pca = Row(run.Output, "PCA", 8);
        (double mse, double accuracy, double trust) ae = Row(run.Output, "autoencoder", 8);
        Assert.Equal(0, raw.mse);
        Assert.Equal(1, raw.trust);
        Assert.InRange(raw.accuracy, 0.75, 0.99); // 5-NN on 1,000 MNIST digits
        // PCA-8 keeps roughly 60 % of MNIST's variance (total pixel variance ~0.1 per pixel).
        Assert.InRange(pca.mse, 0.02, 0.06);
        Assert.InRange(pca.accuracy, 0.6, raw.accuracy + 0.05);
        Assert.InRange(pca.trust, 0.7, 1.0);
        Assert.InRange(ae.mse, 0.005, 0.12);
        Assert.InRange(ae.accuracy, 0.3, 1.0);
        Assert.InRange(ae.trust, 0.6, 1.0);

        CliRun unlabelled = CliRun.Of("reduce", dir.File("ae"), "--dataset", "no-such-set", "--data-dir", TestData.DatasetsRoot);
        Assert.Equal(1, unlabelled.ExitCode);
        Assert.Contains("no-such-set", unlabelled.Error, StringComparison.Ordinal);

        // Without --dataset, the data comes from the run's recipe.json, as for `ae eval` and `ae encode`.
        string[] rest = ["--data-dir", TestData.DatasetsRoot, "--train-limit", "1000", "--test-limit", "300", "--trust-samples", "300", "-k", "5"];
        CliRun noRecipe = CliRun.Of(["reduce", dir.File("ae"), .. rest]);
        Assert.Equal(1, noRecipe.ExitCode);
        Assert.Contains("no recipe.json names the data it was trained on; pass --dataset NAME", noRecipe.Error, StringComparison.Ordinal);
        File.WriteAllText(
            Path.Combine(dir.File("ae"), RunDirectory.RecipeFile),
            """{ "name": "reduce-test", "model": { "kind": "dense", "layers": [784, 64, 8] }, "objective": { "reconstruction": { "kind": "mse" } }, "training": { "epochs": 3 }, "data": { "dataset": "mnist" } }""");
        CliRun fromRun = CliRun.Of(["reduce", dir.File("ae"), .. rest]);
        Assert.True(fromRun.ExitCode == 0, fromRun.Error);
        Assert.Equal(run.Output, fromRun.Output);
    }

    private static (double Mse, double Accuracy, double Trust) Row(string output, string name, int dims)
    {
        Match row = Regex.Match(output, $@"\| {Regex.Escape(name)} \| {dims} \| (\S+) \| (\S+) \| (\S+) \|");
        Assert.True(row.Success, $"no '{name}' row with {dims} dims in:\n{output}");
        double Value(int i) => double.Parse(row.Groups[i].Value, CultureInfo.InvariantCulture);
        return (Value(1), Value(2), Value(3));
    }
}
