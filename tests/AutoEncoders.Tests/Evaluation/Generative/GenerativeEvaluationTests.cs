using System.Text.Json;
using AutoEncoders.Evaluation;
using AutoEncoders.Evaluation.Generative;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Cli;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation.Generative;

public sealed class GenerativeEvaluationTests(MnistFeatureClassifierFixture mnist) : IClassFixture<MnistFeatureClassifierFixture>
{
    [Fact]
    public void The_feature_classifier_classifies_mnist_for_real()
    {
        FeatureClassifierInfo info = mnist.Stored.Info;
        Assert.True(info.TestAccuracy >= 0.97, $"test accuracy {info.TestAccuracy:P2}; the benchmark's classifier should reach 97 %");
        Assert.Equal(10_000, info.TestExamples);
        Assert.Equal(128, mnist.Stored.Classifier.FeaturesOf(mnist.Test.Features.narrow(0, 0, 3)).shape[1]);
    }

    [Fact]
    public void Real_test_digits_are_far_closer_to_training_digits_than_decoded_noise_is()
    {
        using var scope = torch.NewDisposeScope();
        TorchRuntime.SetSeed(2);
        using Autoencoder untrained = new VariationalAutoencoderConfig { Layers = [784, 400, 20] }.Build();
        using var generator = new Generator(4);
        Tensor decodedNoise;
        using (torch.no_grad())
        {
            decodedNoise = untrained.Decode(((VariationalModel)untrained).SamplePrior(2000, generator));
        }

        FeatureClassifier classifier = mnist.Stored.Classifier;
        Tensor test = classifier.FeaturesOf(mnist.Test.Features.narrow(0, 0, 2000));
        double real = FrechetDistance.Of(test, classifier.FeaturesOf(mnist.Train.Features.narrow(0, 0, 2000)));
        double decoded = FrechetDistance.Of(test, classifier.FeaturesOf(decodedNoise));
        double uniform = FrechetDistance.Of(test, classifier.FeaturesOf(torch.rand([2000, 784], generator: generator)));
        Assert.True(real * 20 < decoded, $"train vs test {real:G4} should be far below decoded noise {decoded:G4}");
        Assert.True(real * 20 < uniform, $"train vs test {real:G4} should be far below uniform noise {uniform:G4}");
        Assert.InRange(mnist.Stored.Info.TrainVsTestFrechet, 0, real); // 10,000 a side estimate the floor with less bias than 2,000
    }

    [Fact]
    public void A_variational_model_gets_every_number_and_an_adversarial_one_no_iwae_bound()
    {
        using var test = mnist.Test.Slice(0, 500);
        var options = new GenerativeEvaluationOptions { GeneratedSamples = 500, ImportanceSamples = 10, ImportanceLimit = 20, Seed = 3 };
        using TrainedAutoencoder vae = TinyVae();
        GenerativeMetrics metrics = GenerativeEvaluation.Evaluate(vae, test, mnist.Stored, options);
        using (var scope = torch.NewDisposeScope())
        {
            ReconstructionMetrics expected = ReconstructionMetrics.Compute(test.Features, vae.ReconstructAll(test));
            Assert.Equal(expected.SquaredErrorPerSample, metrics.ReconstructionSquaredError, 1e-6);
        }

        Assert.NotNull(metrics.ImportanceWeightedBound);
        // Nats per image: above predicting 0.5 for every pixel (784 ln 2 = 543 nats), below a near-perfect model.
        Assert.InRange(metrics.ImportanceWeightedBound!.Value, -784 * Math.Log(2), -50);
        Assert.Equal(20, metrics.ImportanceExamples);
        Assert.Equal("the prior N(0, I)", metrics.SampleSource);
        Assert.True(metrics.FrechetDistance > mnist.Stored.Info.TrainVsTestFrechet, "a 2-epoch VAE on 300 digits does not generate like real digits");
        Assert.Equal(metrics.FrechetDistance, GenerativeEvaluation.Evaluate(vae, test, mnist.Stored, options).FrechetDistance, 1e-9);
        Assert.Contains("iwae_k10", metrics.ToDictionary().Keys);

        TorchRuntime.SetSeed(5);
        var config = new AdversarialAutoencoderConfig { Layers = [784, 32, 2], DiscriminatorLayers = [16] };
        using var adversarial = new TrainedAutoencoder(config.Build(), new ModelManifest { Model = config });
        GenerativeMetrics aae = GenerativeEvaluation.Evaluate(adversarial, test, mnist.Stored, options);
        Assert.Null(aae.ImportanceWeightedBound);
        Assert.DoesNotContain(aae.ToDictionary().Keys, k => k.StartsWith("iwae", StringComparison.Ordinal));
        Assert.True(aae.FrechetDistance > 0);
    }

    [Fact]
    public void A_conditional_vae_is_evaluated_with_the_test_labels()
    {
        using var test = mnist.Test.Slice(0, 300);
        var options = new GenerativeEvaluationOptions { GeneratedSamples = 300, ImportanceSamples = 5, ImportanceLimit = 10, Seed = 3 };
        TorchRuntime.SetSeed(6);
        var config = new ConditionalVariationalAutoencoderConfig { Layers = [784, 32, 4], Classes = 10 };
        using var trained = new TrainedAutoencoder(config.Build(), new ModelManifest { Model = config });
        GenerativeMetrics metrics = GenerativeEvaluation.Evaluate(trained, test, mnist.Stored, options);
        Assert.NotNull(metrics.ImportanceWeightedBound);
        Assert.True(metrics.FrechetDistance > 0 && metrics.ReconstructionSquaredError > 0);

        var unlabelled = new AutoEncoders.Data.TensorDataset(test.Features, name: "unlabelled"); // shares test's features: not disposed twice
        Assert.Contains("with labels", Assert.Throws<ArgumentException>(() => GenerativeEvaluation.Evaluate(trained, unlabelled, mnist.Stored, options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_classifier_loads_with_the_same_features_and_the_cli_evaluates_a_run_with_it()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("classifier");
        mnist.Stored.Save(folder);
        using (StoredFeatureClassifier loaded = StoredFeatureClassifier.Load(folder))
        using (var scope = torch.NewDisposeScope())
        {
            Tensor x = mnist.Test.Features.narrow(0, 0, 10);
            Assert.True(loaded.Classifier.FeaturesOf(x).allclose(mnist.Stored.Classifier.FeaturesOf(x)));
            Assert.Equal(mnist.Stored.Info, loaded.Info);
        }

        string model = dir.File("vae");
        using (TrainedAutoencoder vae = TinyVae())
        {
            vae.Save(model);
        }

        CliRun run = CliRun.Of("eval", model, "--images", TestData.MnistTestImages, "--limit", "200", "--generative", "--classifier", folder,
            "--generated", "300", "--iwae-samples", "5", "--iwae-limit", "10", "--json", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        using JsonDocument row = JsonDocument.Parse(run.Output);
        Assert.Equal(300, row.RootElement.GetProperty("generated_samples").GetDouble());
        Assert.Equal(10, row.RootElement.GetProperty("iwae_examples").GetDouble());
        Assert.True(row.RootElement.GetProperty("frechet_distance").GetDouble() > 0);
        Assert.Equal(mnist.Stored.Info.TestAccuracy, row.RootElement.GetProperty("classifier_accuracy").GetDouble(), 1e-12);

        CliRun missing = CliRun.Of("eval", model, "--images", TestData.MnistTestImages, "--limit", "20", "--generative");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--generative needs --classifier", missing.Error, StringComparison.Ordinal);
        Assert.Single(missing.Error.Trim().Split('\n'));
    }

    private TrainedAutoencoder TinyVae()
    {
        TorchRuntime.SetSeed(31);
        var config = new VariationalAutoencoderConfig { Layers = [784, 32, 4] };
        var objective = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };
        Autoencoder model = config.Build();
        using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 2, BatchSize = 50, Progress = ProgressMode.Silent }))
        {
            trainer.Fit(mnist.Train.Slice(0, 300));
        }

        return new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective });
    }
}
