using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

public sealed class TrainerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly TrainerOptions Quick = new()
    {
        Epochs = 3,
        BatchSize = 64,
        Seed = 7,
        Progress = ProgressMode.Silent,
        Optimizer = new OptimizerOptions { LearningRate = 2e-3 },
    };

    [Fact]
    public void Loss_falls_on_real_digits()
    {
        TorchRuntime.SetSeed(1);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 128, 32] }.Build();
        using var trainer = new Trainer(model, new Objective { Reconstruction = new BinaryCrossEntropy() }, Quick);
        TensorDataset data = mnist.First(2000);

        double before = trainer.Evaluate(data)["loss"];
        TrainingHistory history = trainer.Fit(data);
        double after = trainer.Evaluate(data)["loss"];

        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.Epochs[2].Train["loss"] < history.Epochs[0].Train["loss"], "training loss should fall from epoch 1 to 3");
        Assert.True(after < 0.6 * before, $"BCE should fall well below its initial {before:F4}; got {after:F4}");
    }

    [Fact]
    public void Resuming_after_an_interruption_gives_the_same_weights_as_an_uninterrupted_run()
    {
        // Everything that carries state across steps is in play: shuffling, noise, dropout, a running-mean
        // penalty, Adam's moments and a plateau schedule.
        TensorDataset data = mnist.First(640);
        var config = new DenseAutoencoderConfig { Layers = [784, 64, 16], Dropout = 0.2, CodeActivation = Activation.Sigmoid };
        Objective MakeObjective() => new()
        {
            Reconstruction = new BinaryCrossEntropy(),
            Penalties = [new KlSparsityPenalty { Weight = 0.1, RunningMean = 0.9 }],
            Corruption = new MaskingNoise { Fraction = 0.2 },
        };
        TrainerOptions options = Quick with { Epochs = 3, Schedule = new ReduceOnPlateauSchedule { Patience = 1, Factor = 0.5 } };

        TorchRuntime.SetSeed(21);
        using Autoencoder reference = config.Build();
        using (var trainer = new Trainer(reference, MakeObjective(), options))
        {
            trainer.Fit(data);
        }

        using var directory = new TempDirectory();
        string checkpoint = directory.File("run.ckpt");
        TorchRuntime.SetSeed(21);
        using (Autoencoder interrupted = config.Build())
        using (var trainer = new Trainer(interrupted, MakeObjective(), options) { CheckpointPath = checkpoint })
        using (var cancellation = new CancellationTokenSource())
        {
            trainer.Callbacks.Add(new CancelAt(epoch: 2, batch: 4, cancellation));
            TrainingHistory partial = trainer.Fit(data, cancellationToken: cancellation.Token);
            Assert.True(partial.Interrupted);
            Assert.Single(partial.Epochs);
        }

        TorchRuntime.SetSeed(999); // a different global state: the checkpoint must restore everything that matters
        using Autoencoder resumed = config.Build();
        using (var trainer = new Trainer(resumed, MakeObjective(), options))
        {
            TrainingHistory history = trainer.Fit(data, resumeFrom: checkpoint);
            Assert.Equal(3, history.Epochs.Count);
        }

        foreach ((string name, Tensor expected) in reference.state_dict())
        {
            Assert.True(expected.equal(resumed.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void A_non_finite_loss_stops_training_naming_the_step_and_term_before_any_update()
    {
        TorchRuntime.SetSeed(2);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using Tensor features = mnist.First(256).Features.clone();
        features[70, 3] = torch.tensor(float.NaN);
        using var data = new TensorDataset(features);
        Tensor before = model.EncoderLayer(0).weight!.detach().clone();
        using var trainer = new Trainer(model, new Objective(), Quick with { Shuffle = false });

        var e = Assert.Throws<NonFiniteLossException>(() => trainer.Fit(data));
        Assert.Equal("mse", e.Term);
        Assert.Equal(2, e.Step);
        Assert.Contains("batch 2", e.Message, StringComparison.Ordinal);
        Assert.False(model.EncoderLayer(0).weight!.isnan().any().item<bool>(), "the NaN batch must not reach the weights");
        Assert.False(before.equal(model.EncoderLayer(0).weight!).all().item<bool>(), "the first, finite batch did update the weights");
    }

    [Fact]
    public void Early_stopping_stops_when_validation_loss_stalls_and_restores_the_best_weights()
    {
        TorchRuntime.SetSeed(3);
        using var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        TensorDataset data = mnist.First(512);
        var options = Quick with
        {
            Epochs = 20,
            Optimizer = new OptimizerOptions { LearningRate = 1e-9 },
            EarlyStopping = new EarlyStoppingOptions { Patience = 2, MinDelta = 1e-3 },
        };
        using var trainer = new Trainer(model, new Objective(), options);
        TrainingHistory history = trainer.Fit(data, validation: mnist.Test.Slice(5000, 512));

        Assert.Equal(3, history.Epochs.Count);
        Assert.Contains("Early stopping after epoch 3", history.StopReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedules_follow_their_formulas()
    {
        var state = new Dictionary<string, double>();
        var step = new StepDecaySchedule { StepSize = 2, Gamma = 0.5 };
        Assert.Equal(new[] { 1.0, 0.5, 0.5, 0.25 }, new[] { 1, 2, 3, 4 }.Select(e => step.RateAfter(e, 10, 1.0, 1.0, 0, state)));

        var cosine = new CosineAnnealingSchedule { MinRate = 0.1 };
        Assert.Equal(0.55, cosine.RateAfter(5, 10, 1.0, 1.0, 0, state), 1e-12);
        Assert.Equal(0.1, cosine.RateAfter(10, 10, 1.0, 1.0, 0, state), 1e-12);

        // Patience 2: the second epoch without improvement reduces the rate; the counter then starts again.
        var plateau = new ReduceOnPlateauSchedule { Patience = 2, Factor = 0.1 };
        double rate = 1.0;
        double[] monitored = [5, 4, 4, 4, 3, 3, 3];
        var rates = monitored.Select(m => rate = plateau.RateAfter(0, 10, 1.0, rate, m, state)).ToArray();
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01 }, rates, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void A_cosine_run_resumed_with_more_epochs_anneals_on_from_its_rate_and_never_raises_it()
    {
        // The run asked for 10 epochs and stopped after 5 (rate 0.55); its resume asks for 20. The schedule state is
        // what the checkpoint carries from the first part to the second.
        var cosine = new CosineAnnealingSchedule { MinRate = 0.1 };
        var state = new Dictionary<string, double>();
        double rate = 1.0;
        var rates = new List<double>();
        for (int epoch = 1; epoch <= 20; epoch++)
        {
            rate = cosine.RateAfter(epoch, epoch <= 5 ? 10 : 20, 1.0, rate, 0, state);
            rates.Add(rate);
        }

        Assert.Equal(0.55, rates[4], 1e-12);

        // Recomputing over 20 epochs would have given 0.1 + 0.9 * (1 + cos(pi * 6 / 20)) / 2 = 0.81 after epoch 6;
        // instead the curve restarts from 0.55 at epoch 5 and reaches 0.1 at epoch 20.
        Assert.True(rates[5] < rates[4], $"the rate rose from {rates[4]} to {rates[5]} on resume");
        Assert.Equal(0.1 + (0.45 * (1 + Math.Cos(Math.PI / 15)) / 2), rates[5], 1e-12);
        for (int i = 1; i < rates.Count; i++)
        {
            Assert.True(rates[i] <= rates[i - 1] + 1e-15, $"epoch {i + 1}: {rates[i]} after {rates[i - 1]}");
        }

        Assert.Equal(0.1, rates[^1], 1e-12);

        // A run that keeps its epoch count follows the plain formula throughout.
        var plain = new Dictionary<string, double>();
        Assert.Equal(0.1 + (0.9 * (1 + Math.Cos(Math.PI * 7 / 20)) / 2), Enumerable.Range(1, 7).Select(e => cosine.RateAfter(e, 20, 1.0, 1.0, 0, plain)).Last(), 1e-12);
    }

    [Fact]
    public void A_cosine_run_interrupted_and_resumed_with_more_epochs_never_raises_the_rate()
    {
        using var directory = new TempDirectory();
        string checkpoint = directory.File("run.ckpt");
        TensorDataset data = mnist.First(256);
        TrainerOptions options = Quick with { Epochs = 6, Schedule = new CosineAnnealingSchedule() };
        using var cancel = new CancellationTokenSource();
        TorchRuntime.SetSeed(8);
        using (var model = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build())
        using (var trainer = new Trainer(model, new Objective(), options) { CheckpointPath = checkpoint })
        {
            trainer.Callbacks.Add(new CancelAfterEpoch(3, cancel));
            trainer.Fit(data, cancellationToken: cancel.Token);
        }

        TorchRuntime.SetSeed(8);
        using var resumedModel = (DenseAutoencoder)new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var resumed = new Trainer(resumedModel, new Objective(), options with { Epochs = 12 }) { CheckpointPath = checkpoint };
        TrainingHistory history = resumed.Fit(data, resumeFrom: checkpoint);
        double[] rates = [.. history.Epochs.Select(e => e.LearningRate)];
        Assert.Equal(12, rates.Length);
        for (int i = 1; i < rates.Length; i++)
        {
            Assert.True(rates[i] <= rates[i - 1], $"epoch {i + 1} used {rates[i]} after {rates[i - 1]}: [{string.Join(", ", rates)}]");
        }

        Assert.True(rates[^1] < 0.05 * rates[0], $"the rate should anneal towards 0 by epoch 12: [{string.Join(", ", rates)}]");
    }

    private sealed class CancelAfterEpoch(int epoch, CancellationTokenSource cancel) : ITrainingCallback
    {
        public void OnEpochEnd(Trainer trainer, EpochRecord record)
        {
            if (record.Epoch >= epoch)
            {
                cancel.Cancel();
            }
        }
    }

    [Fact]
    public void Validation_split_holds_out_a_stratified_share()
    {
        TensorDataset data = mnist.First(1000);
        (TensorDataset train, TensorDataset validation) = data.Split(0.2, seed: 5);
        using (train)
        using (validation)
        {
            Assert.Equal(1000, train.Count + validation.Count);
            Assert.InRange(validation.Count, 195, 205);
            IReadOnlyDictionary<long, long> all = data.LabelCounts();
            foreach ((long label, long count) in validation.LabelCounts())
            {
                Assert.Equal(all[label] * 0.2, count, 1.0);
            }
        }
    }

    [Fact]
    public void Steps_that_drop_the_gradients_give_the_weights_of_steps_that_zero_them()
    {
        // The trainer's reconstruction step sets gradients to none before backward (StepContext.ClearGradients);
        // a hand-written loop with zero_grad must reach the same weights, so no gradient is lost or accumulated.
        TrainerOptions options = Quick with { Epochs = 1, Shuffle = false };
        var objective = new Objective { Reconstruction = new MeanSquaredError() };
        TensorDataset data = mnist.First(320);
        var config = new DenseAutoencoderConfig { Layers = [784, 64, 16] };
        TorchRuntime.SetSeed(5);
        using Autoencoder trained = config.Build();
        TorchRuntime.SetSeed(5);
        using Autoencoder manual = config.Build();
        Tensor[] initial = [.. manual.parameters().Select(p => p.detach().clone())];
        using (var trainer = new Trainer(trained, objective, options))
        {
            trainer.Fit(data);
        }

        using optim.Optimizer adam = options.Optimizer.Create(manual.parameters());
        manual.train();
        for (long start = 0; start < data.Count; start += options.BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            Tensor x = data.Features.narrow(0, start, options.BatchSize);
            adam.zero_grad();
            objective.Compute(new LossContext { Model = manual, Target = x, Input = x, Output = manual.forward(x), Training = true }).Total.backward();
            adam.step();
        }

        Tensor[] ours = [.. trained.parameters()];
        Tensor[] theirs = [.. manual.parameters()];
        for (int i = 0; i < ours.Length; i++)
        {
            double difference = (ours[i] - theirs[i]).abs().max().item<float>();
            double moved = (theirs[i] - initial[i]).abs().max().item<float>();
            Assert.True(difference <= 1e-7, $"parameter {i} differs from the zero_grad loop's by {difference:G3}");
            Assert.True(moved > 1e-3, $"parameter {i} moved only {moved:G3}");
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
