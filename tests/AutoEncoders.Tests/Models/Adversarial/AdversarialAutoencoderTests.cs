using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.Adversarial;

public sealed class AdversarialAutoencoderTests
{
    private static TrainerOptions Options(int epochs, double learningRate = 2e-3) => new()
    {
        Epochs = epochs,
        BatchSize = 50,
        Seed = 5,
        Progress = ProgressMode.Silent,
        Optimizer = new OptimizerOptions { LearningRate = learningRate },

        // A decaying rate damps the cycling of the two-player game, so the last epoch sits near its equilibrium.
        Schedule = new CosineAnnealingSchedule(),
    };

    private static AdversarialAutoencoderConfig Toy(AdversarialPrior prior) => new()
    {
        Layers = [2, 32, 32, 2],
        DiscriminatorLayers = [32, 32],
        OutputActivation = Activation.Linear,
        AdversarialLearningRateFactor = 1.0,
        Prior = prior,
    };

    // 2,000 points from a correlated Gaussian centred at (2, 3): far from N(0, I) until the encoder learns the
    // whitening map (which exists, so the game has an equilibrium the discriminator cannot break).
    private static TensorDataset Square()
    {
        using var generator = new Generator(3);
        using Tensor mixing = torch.tensor(new float[] { 1.5f, 0f, 0.8f, 0.5f }).reshape(2, 2);
        Tensor points = torch.randn([2000, 2], generator: generator).matmul(mixing.t()) + torch.tensor(new float[] { 2, 3 });
        return new TensorDataset(points, name: "correlated-gaussian");
    }

    [Fact]
    public void On_a_toy_2d_problem_the_game_reaches_equilibrium_and_the_codes_follow_the_gaussian_prior()
    {
        TorchRuntime.SetSeed(51);
        using TensorDataset data = Square();
        using var model = (AdversarialAutoencoder)Toy(new AdversarialPrior()).Build();
        using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, Options(25));
        TrainingHistory history = trainer.Fit(data);

        Assert.Contains("discriminator_accuracy", history.Metrics);
        EpochRecord last = history.Epochs[^1];
        Assert.InRange(last.Train["discriminator_accuracy"], 0.3, 0.8);
        Assert.InRange(last.Train["discriminator"], 0.45, 0.8); // ln 2 = 0.693 at equilibrium
        Assert.InRange(last.Train["generator"], 0.5, 1.3);
        Assert.True(history.Epochs.Take(3).Max(e => e.Train["discriminator_accuracy"]) > 0.6, "early on, before the encoder adapts, D should tell the codes apart");

        using var scope = torch.NewDisposeScope();
        Tensor codes;
        using (torch.no_grad())
        {
            codes = model.Encode(data.Features);
        }

        // Robust statistics (a few outlying data points may map far out): median within 1.5 prior standard
        // deviations of 0 and interquartile range near N(0, 1)'s 1.349, on both axes. After 1,000 steps the game
        // is near, not at, its equilibrium: it cycles around it, with D's accuracy about 0.7 here against 0.96
        // without the generator phase, and a code median up to about one standard deviation off.
        Tensor quartiles = codes.quantile(torch.tensor(new float[] { 0.25f, 0.5f, 0.75f }), dim: 0);
        for (int j = 0; j < 2; j++)
        {
            double q1 = quartiles[0, j].item<float>(), median = quartiles[1, j].item<float>(), q3 = quartiles[2, j].item<float>();
            Assert.True(Math.Abs(median) < 1.5, $"code axis {j}: median {median:F2} should be near the prior's 0");
            Assert.InRange(q3 - q1, 0.6, 2.5);
        }

        // The data's variance is about 1.6 per value: the codes still carry the data while they follow the prior.
        Assert.True(last.Train["mse"] < 0.2, $"the toy data should still be reconstructed; MSE {last.Train["mse"]:G3}");
        IReadOnlyDictionary<string, double> test = trainer.Evaluate(data);
        Assert.InRange(test["discriminator_accuracy"], 0.3, 0.8);
    }

    [Fact]
    public void Without_the_generator_phase_the_discriminator_wins()
    {
        // Freeze the encoder: the generator phase cannot move the codes, so D separates them from the prior.
        TorchRuntime.SetSeed(52);
        using TensorDataset data = Square();
        using var model = (AdversarialAutoencoder)Toy(new AdversarialPrior()).Build();
        foreach (var p in model.EncoderParameters)
        {
            p.requires_grad = false;
        }

        using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, Options(6));
        EpochRecord last = trainer.Fit(data).Epochs[^1];
        Assert.True(last.Train["discriminator_accuracy"] > 0.9, $"D should tell frozen codes from the prior; accuracy {last.Train["discriminator_accuracy"]:F2}");
        Assert.True(last.Train["generator"] > 1.5, $"the generator loss should grow when D wins; got {last.Train["generator"]:F2}");
    }

    [Fact]
    public void A_label_conditioned_mixture_prior_puts_each_class_on_its_own_component()
    {
        TorchRuntime.SetSeed(53);
        using var generator = new Generator(4);
        Tensor labels = torch.arange(4).repeat(500);
        Tensor centres = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }).reshape(4, 2);
        Tensor points = centres.index_select(0, labels) + (0.1f * torch.randn([2000, 2], generator: generator));
        using var data = new TensorDataset(points, labels, name: "four-clusters");
        var prior = new AdversarialPrior { Kind = AdversarialPriorKind.Mixture, Components = 4, Radius = 3, Std = 1.0, ConditionOnLabels = true };
        using var model = (AdversarialAutoencoder)Toy(prior).Build();
        using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, Options(25, 3e-3));
        trainer.Fit(data);

        using var scope = torch.NewDisposeScope();
        Tensor means = prior.ComponentMeans(2);
        Tensor codes;
        using (torch.no_grad())
        {
            codes = model.Encode(points);
        }

        // Each code's nearest component should be its class's.
        Tensor nearest = torch.cdist(codes, means).argmin(1);
        double matched = nearest.eq(labels).to(ScalarType.Float32).mean().item<float>();
        Assert.True(matched > 0.9, $"{matched:P0} of the codes lie nearest their class's component; expected over 90%");
    }

    [Fact]
    public void Prior_draws_repeat_with_a_seed_and_the_model_saves_and_loads()
    {
        var config = Toy(new AdversarialPrior { Kind = AdversarialPriorKind.Mixture, Components = 5 });
        string json = JsonSerializer.Serialize<ModelConfig>(config, JsonDefaults.Options);
        Assert.Contains("\"kind\": \"adversarial\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"mixture\"", json, StringComparison.Ordinal);

        TorchRuntime.SetSeed(54);
        using var model = (AdversarialAutoencoder)config.Build();
        Tensor Draw(ulong seed)
        {
            using var generator = new Generator(seed);
            return model.SamplePrior(200, generator);
        }

        Assert.True(Draw(1).equal(Draw(1)).all().item<bool>());
        Assert.False(Draw(1).allclose(Draw(2)));
        double radius = Draw(3).pow(2).sum(1).sqrt().mean().item<float>();
        Assert.InRange(radius, 3.5, 4.5); // components on a circle of radius 4, std 1

        using var dir = new TempDirectory();
        new TrainedAutoencoder(model, new ModelManifest { Model = config }).Save(dir.Path);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(dir.Path);
        Assert.IsType<AdversarialAutoencoder>(loaded.Model);
        using Tensor x = torch.rand(4, 2);
        Assert.True(loaded.Encode(x).allclose(model.Encode(x)));
        Assert.Throws<ArgumentException>(() => (config with { Prior = new AdversarialPrior { ConditionOnLabels = true } }).Validate());
    }
}
