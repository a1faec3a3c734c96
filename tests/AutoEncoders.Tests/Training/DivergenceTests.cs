using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

/// <summary>What the trainer does when a run diverges: it stops, and never writes non-finite weights to a checkpoint.</summary>
public sealed class DivergenceTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly TrainerOptions Options = new()
    {
        Epochs = 3,
        BatchSize = 50,
        Seed = 4,
        Shuffle = false,
        Progress = ProgressMode.Silent,
        Optimizer = new OptimizerOptions { LearningRate = 1e-3 },
    };

    [Fact]
    public void A_weight_made_non_finite_by_an_update_stops_training_at_the_epoch_end_and_the_last_checkpoint_stays()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(3);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();

        // The second epoch's last update leaves an infinite weight; no later batch of that epoch could notice it.
        using var trainer = new Trainer(new PoisonedStep(model, new Objective(), epoch: 1, batch: 3), Options) { CheckpointPath = directory.File("run.ckpt") };
        TensorDataset data = mnist.First(200);

        var e = Assert.Throws<NonFiniteParameterException>(() => trainer.Fit(data));
        Assert.Equal(2, e.Epoch);
        Assert.Equal(8, e.Step);
        Assert.Equal("encoder.0.weight", e.Parameter);
        Assert.Contains("at the end of the epoch", e.Message, StringComparison.Ordinal);

        // The checkpoint on disk is epoch 1's: it loads, with finite weights, and resumes at epoch 2.
        using var fresh = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var resumed = new Trainer(fresh, new Objective(), Options with { Epochs = 2 }) { CheckpointPath = directory.File("run.ckpt") };
        TrainingHistory history = resumed.Fit(data, resumeFrom: directory.File("run.ckpt"));
        Assert.Equal(2, history.Epochs.Count);
        Assert.All(fresh.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
    }

    [Fact]
    public void A_non_finite_loss_after_a_diverged_update_is_reported_as_the_weights_and_writes_no_checkpoint()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(3);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var trainer = new Trainer(new PoisonedStep(model, new Objective(), epoch: 0, batch: 1), Options) { CheckpointPath = directory.File("run.ckpt") };
        TensorDataset data = mnist.First(200);

        var e = Assert.Throws<NonFiniteParameterException>(() => trainer.Fit(data));
        Assert.Contains("found when the 'mse' term became", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("run.ckpt")), "non-finite weights must never be checkpointed");
    }

    [Fact]
    public void A_non_finite_loss_writes_the_state_before_the_failing_batch_to_the_checkpoint()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(3);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using Tensor features = mnist.First(200).Features.clone();
        features[120, 5] = torch.tensor(float.PositiveInfinity);
        using var data = new TensorDataset(features);
        using var trainer = new Trainer(model, new Objective(), Options) { CheckpointPath = directory.File("run.ckpt") };

        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Fit(data));
        Assert.Equal(3, e.Batch);
        Assert.Equal(directory.File("run.ckpt"), e.CheckpointPath);
        Dictionary<string, Tensor> expected = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

        using var fresh = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var reader = new Trainer(fresh, new Objective(), Options);
        reader.LoadCheckpoint(directory.File("run.ckpt"));
        foreach ((string name, Tensor value) in expected)
        {
            Assert.True(value.equal(fresh.state_dict()[name]).all().item<bool>(), $"{name} differs from the state before the failing batch");
        }
    }

    [Fact]
    public void A_resume_with_another_learning_rate_trains_with_it()
    {
        using var directory = new TempDirectory();
        TorchRuntime.SetSeed(3);
        TensorDataset data = mnist.First(100);
        using (var model = new DenseAutoencoderConfig { Layers = [784, 16] }.Build())
        using (var trainer = new Trainer(model, new Objective(), Options with { Epochs = 1 }) { CheckpointPath = directory.File("run.ckpt") })
        {
            trainer.Fit(data);
        }

        using var fresh = new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var resumed = new Trainer(fresh, new Objective(), Options with { Epochs = 2, Optimizer = new OptimizerOptions { LearningRate = 1e-5 } });
        TrainingHistory history = resumed.Fit(data, resumeFrom: directory.File("run.ckpt"));
        Assert.Equal(1e-3, history.Epochs[0].LearningRate);
        Assert.Equal(1e-5, history.Epochs[1].LearningRate);
    }

    // A step whose update at one batch of one epoch (0-based) leaves an infinite weight, as a diverging optimiser would.
    private sealed class PoisonedStep(Autoencoder model, Objective objective, int epoch, int batch) : ReconstructionStep(model, objective)
    {
        private int _batch;

        public override double[] Train(Batch data, StepContext context)
        {
            double[] values = base.Train(data, context);
            if (context.Epoch == epoch && _batch++ == batch)
            {
                using var noGrad = torch.no_grad();
                ((DenseAutoencoder)Autoencoder).EncoderLayer(0).weight![0, 0] = torch.tensor(float.PositiveInfinity);
            }

            return values;
        }
    }
}
