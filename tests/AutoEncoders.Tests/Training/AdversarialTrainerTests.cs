using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Training;

public sealed class AdversarialTrainerTests
{
    // A label-conditioned mixture prior: the prior generator draws both component indices (unlabelled rows) and
    // Gaussian noise, and all three optimisers, the discriminator and a cosine schedule carry state across steps.
    private static readonly AdversarialAutoencoderConfig Config = new()
    {
        Layers = [2, 16, 2],
        DiscriminatorLayers = [16],
        OutputActivation = Activation.Linear,
        Prior = new AdversarialPrior { Kind = AdversarialPriorKind.Mixture, Components = 4, Radius = 3, ConditionOnLabels = true },
    };

    private static readonly TrainerOptions Options = new()
    {
        Epochs = 4,
        BatchSize = 50,
        Seed = 9,
        Progress = ProgressMode.Silent,
        Optimizer = new OptimizerOptions { LearningRate = 2e-3 },
        Schedule = new CosineAnnealingSchedule(),
    };

    // 800 points in four clusters; every fourth label is unknown (-1), so the prior also picks random components.
    private static TensorDataset Clusters()
    {
        using var generator = new Generator(4);
        Tensor labels = torch.arange(4).repeat(200);
        Tensor centres = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }).reshape(4, 2);
        Tensor points = centres.index_select(0, labels) + (0.1f * torch.randn([800, 2], generator: generator));
        labels[torch.arange(0, 800, 4)] = torch.tensor(-1L);
        return new TensorDataset(points, labels, name: "four-clusters");
    }

    [Theory]
    [InlineData(2, 16)] // after epoch 2 of 4 (16 batches an epoch): N/2 epochs, then N/2 more
    [InlineData(3, 5)] // in the middle of epoch 3
    public void Resuming_an_adversarial_run_gives_the_same_weights_and_history_as_an_uninterrupted_one(int epoch, int batch)
    {
        using TensorDataset data = Clusters();
        Objective MakeObjective() => new() { Reconstruction = new MeanSquaredError() };

        TorchRuntime.SetSeed(31);
        using var reference = (AdversarialAutoencoder)Config.Build();
        TrainingHistory straight;
        using (var trainer = new Trainer(reference, MakeObjective(), Options))
        {
            straight = trainer.Fit(data);
        }

        using var directory = new TempDirectory();
        string checkpoint = directory.File("run.ckpt");
        TorchRuntime.SetSeed(31);
        using (var interrupted = (AdversarialAutoencoder)Config.Build())
        using (var trainer = new Trainer(interrupted, MakeObjective(), Options) { CheckpointPath = checkpoint })
        using (var cancellation = new CancellationTokenSource())
        {
            trainer.Callbacks.Add(new CancelAt(epoch, batch, cancellation));
            TrainingHistory partial = trainer.Fit(data, cancellationToken: cancellation.Token);
            Assert.True(partial.Interrupted);
            Assert.Equal(batch == 16 ? epoch : epoch - 1, partial.Epochs.Count);
        }

        // A new process in effect: another global seed and fresh generators; the checkpoint must restore them all.
        TorchRuntime.SetSeed(999);
        using var resumed = (AdversarialAutoencoder)Config.Build();
        TrainingHistory history;
        using (var trainer = new Trainer(resumed, MakeObjective(), Options))
        {
            history = trainer.Fit(data, resumeFrom: checkpoint);
        }

        Assert.Equal(4, history.Epochs.Count);
        foreach ((string name, Tensor expected) in reference.state_dict())
        {
            Assert.True(expected.equal(resumed.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming");
        }

        // The adversarial metrics of the last epoch are sums over the same steps in the same order.
        foreach (string metric in new[] { "loss", "discriminator", "generator", "discriminator_accuracy" })
        {
            Assert.Equal(straight.Epochs[^1].Train[metric], history.Epochs[^1].Train[metric]);
        }
    }

    [Fact]
    public void Extending_a_finished_run_from_its_last_checkpoint_gives_the_weights_of_a_longer_straight_run()
    {
        // The checkpoint written at the end of the last epoch (not on an interruption) must hold the next epoch's
        // shuffle state; the schedule is constant here, since a cosine one depends on the total number of epochs.
        using TensorDataset data = Clusters();
        TrainerOptions constant = Options with { Schedule = null };
        TorchRuntime.SetSeed(33);
        using var reference = (AdversarialAutoencoder)Config.Build();
        using (var trainer = new Trainer(reference, new Objective { Reconstruction = new MeanSquaredError() }, constant))
        {
            trainer.Fit(data);
        }

        using var directory = new TempDirectory();
        string checkpoint = directory.File("run.ckpt");
        TorchRuntime.SetSeed(33);
        using (var shorter = (AdversarialAutoencoder)Config.Build())
        using (var trainer = new Trainer(shorter, new Objective { Reconstruction = new MeanSquaredError() }, constant with { Epochs = 2 }) { CheckpointPath = checkpoint })
        {
            trainer.Fit(data);
        }

        TorchRuntime.SetSeed(998);
        using var extended = (AdversarialAutoencoder)Config.Build();
        using (var trainer = new Trainer(extended, new Objective { Reconstruction = new MeanSquaredError() }, constant))
        {
            Assert.Equal(4, trainer.Fit(data, resumeFrom: checkpoint).Epochs.Count);
        }

        foreach ((string name, Tensor expected) in reference.state_dict())
        {
            Assert.True(expected.equal(extended.state_dict()[name]).all().item<bool>(), $"{name} differs after extending the run");
        }
    }

    [Fact]
    public void A_checkpoint_without_the_prior_generator_is_refused_before_anything_is_loaded()
    {
        using TensorDataset data = Clusters();
        using var directory = new TempDirectory();
        string checkpoint = directory.File("plain.ckpt");

        // A plain reconstruction step's checkpoint of the same model has no prior stream.
        TorchRuntime.SetSeed(32);
        using (var model = (AdversarialAutoencoder)Config.Build())
        using (var plain = new Trainer(new ReconstructionStep(model, new Objective { Reconstruction = new MeanSquaredError() }), Options with { Epochs = 1 }) { CheckpointPath = checkpoint })
        {
            plain.Fit(data);
        }

        using var target = (AdversarialAutoencoder)Config.Build();
        Tensor before = target.state_dict()["encoder.0.weight"].clone();
        using var trainer = new Trainer(target, new Objective { Reconstruction = new MeanSquaredError() }, Options);
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data, resumeFrom: checkpoint));
        Assert.Contains("prior", e.Message, StringComparison.Ordinal);
        Assert.True(before.equal(target.state_dict()["encoder.0.weight"]).all().item<bool>(), "nothing should be loaded from a refused checkpoint");
    }
}
