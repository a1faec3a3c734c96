using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Classification;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Callbacks;
using AutoEncoders.Training.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

/// <summary>Callbacks that act and keep state, and the classifier and pretraining stages on the one loop.</summary>
public sealed class CallbackTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly TrainerOptions Quick = new() { Epochs = 6, BatchSize = 64, Seed = 5, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };

    [Fact]
    public void Early_stopping_state_survives_a_resume_and_stops_at_the_same_epoch()
    {
        // MinDelta 1 makes every epoch after the first "no improvement": patience 2 stops after epoch 3 of 6. A resume
        // in epoch 3 that forgot the counter (1 after epoch 2) would run on to epoch 5.
        TensorDataset data = mnist.First(320);
        var config = new DenseAutoencoderConfig { Layers = [784, 32] };
        TrainerOptions options = Quick with { EarlyStopping = new EarlyStoppingOptions { Patience = 2, MinDelta = 1.0, RestoreBestWeights = true } };
        TorchRuntime.SetSeed(3);
        using Autoencoder reference = config.Build();
        TrainingHistory straight;
        using (var trainer = new Trainer(reference, new Objective(), options))
        {
            straight = trainer.Fit(data);
        }

        using var directory = new TempDirectory();
        string checkpoint = directory.File("run.ckpt");
        TorchRuntime.SetSeed(3);
        using (Autoencoder interrupted = config.Build())
        using (var trainer = new Trainer(interrupted, new Objective(), options) { CheckpointPath = checkpoint })
        using (var cancellation = new CancellationTokenSource())
        {
            trainer.Callbacks.Add(new CancelAt(epoch: 3, batch: 2, cancellation));
            Assert.True(trainer.Fit(data, cancellationToken: cancellation.Token).Interrupted);
        }

        using Autoencoder resumed = config.Build();
        TrainingHistory again;
        using (var trainer = new Trainer(resumed, new Objective(), options))
        {
            again = trainer.Fit(data, resumeFrom: checkpoint);
        }

        Assert.Equal(3, straight.Epochs.Count);
        Assert.Equal(straight.Epochs.Count, again.Epochs.Count);
        Assert.Equal(straight.StopReason, again.StopReason);
        Assert.StartsWith("Early stopping after epoch 3", again.StopReason, StringComparison.Ordinal);
        AssertSameWeights(reference, resumed);
    }

    [Fact]
    public void A_custom_callback_sees_the_trainer_and_stops_the_run()
    {
        TorchRuntime.SetSeed(4);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using var trainer = new Trainer(model, new Objective(), Quick);
        var stop = new StopWhenLossBelow(threshold: double.PositiveInfinity, afterEpoch: 2);
        trainer.Callbacks.Add(stop);
        TrainingHistory history = trainer.Fit(mnist.First(256));

        Assert.Equal(2, history.Epochs.Count);
        Assert.False(history.Interrupted);
        Assert.Equal("stopped by a test callback after epoch 2", history.StopReason);
        Assert.Same(model, stop.SeenModel);
    }

    [Fact]
    public void The_classifier_trains_on_the_loop_resumes_exactly_and_is_guarded_against_nan()
    {
        TensorDataset data = mnist.First(320);
        var config = new EncoderClassifierConfig { Layers = [784, 32], Activation = Activation.Relu };
        var options = new ClassifierTrainerOptions { Epochs = 3, BatchSize = 64, Seed = 2, Schedule = new CosineAnnealingSchedule() };
        TorchRuntime.SetSeed(6);
        using EncoderClassifier reference = config.Build();
        using (var trainer = new ClassifierTrainer(reference, options))
        {
            Assert.Equal(3, trainer.Fit(data).Epochs.Count);
        }

        using var directory = new TempDirectory();
        string checkpoint = directory.File("classifier.ckpt");
        TorchRuntime.SetSeed(6);
        using (EncoderClassifier interrupted = config.Build())
        using (var trainer = new ClassifierTrainer(interrupted, options))
        using (var cancellation = new CancellationTokenSource())
        {
            trainer.Trainer.CheckpointPath = checkpoint;
            trainer.Trainer.Callbacks.Add(new CancelAt(epoch: 2, batch: 3, cancellation));
            Assert.True(trainer.Fit(data, cancellationToken: cancellation.Token).Interrupted);
        }

        using EncoderClassifier resumed = config.Build();
        using (var trainer = new ClassifierTrainer(resumed, options))
        {
            trainer.Fit(data, resumeFrom: checkpoint);
        }

        AssertSameWeights(reference, resumed);

        using Tensor poisoned = data.Features.clone();
        poisoned.fill_(float.NaN);
        using var bad = new TensorDataset(poisoned, data.Labels!.clone(), name: "poisoned");
        using EncoderClassifier victim = config.Build();
        Dictionary<string, Tensor> before = victim.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        using var guarded = new ClassifierTrainer(victim, options with { Seed = 9 });
        NonFiniteLossException e = Assert.Throws<NonFiniteLossException>(() => guarded.Fit(bad));
        Assert.Equal(("loss", 1L), (e.Term, e.Batch));
        Assert.All(before, p => Assert.True(p.Value.equal(victim.state_dict()[p.Key]).all().item<bool>(), $"{p.Key} was updated with a NaN loss"));
    }

    [Fact]
    public void A_frozen_stack_stage_takes_a_schedule_resumes_exactly_and_is_guarded_against_nan()
    {
        TensorDataset data = mnist.First(256);
        var options = new LayerwisePretrainingOptions
        {
            Layers = [784, 32, 16],
            Mode = PretrainingMode.FrozenStack,
            LayerSettings = [new PretrainingLayer { Training = Quick with { Epochs = 3, Schedule = new CosineAnnealingSchedule(), EarlyStopping = new EarlyStoppingOptions { Patience = 5 } } }],
        };
        DenseAutoencoder Stack()
        {
            TorchRuntime.SetSeed(8);
            return (DenseAutoencoder)LayerwisePretrainer.StackConfig(options).Build();
        }

        using DenseAutoencoder reference = Stack();
        TrainingHistory straight = LayerwisePretrainer.TrainStackStage(reference, 0, data.Features, data.Features, options.Layer(0));
        Assert.True(straight.Epochs[2].LearningRate < straight.Epochs[0].LearningRate, "the cosine schedule should lower the stage's rate");

        using var directory = new TempDirectory();
        string checkpoint = directory.File("stage.ckpt");
        using (DenseAutoencoder interrupted = Stack())
        using (var cancellation = new CancellationTokenSource())
        {
            var run = new StageRun { CheckpointPath = checkpoint, Cancellation = cancellation.Token, Callbacks = [new CancelAt(epoch: 2, batch: 2, cancellation)] };
            Assert.True(LayerwisePretrainer.TrainStackStage(interrupted, 0, data.Features, data.Features, options.Layer(0), run: run).Interrupted);
        }

        using DenseAutoencoder resumed = Stack();
        LayerwisePretrainer.TrainStackStage(resumed, 0, data.Features, data.Features, options.Layer(0), run: new StageRun { ResumeFrom = checkpoint });
        AssertSameWeights(reference, resumed);

        using Tensor poisoned = data.Features.clone();
        poisoned[3, 7] = torch.tensor(float.PositiveInfinity);
        using DenseAutoencoder victim = Stack();
        Assert.Throws<NonFiniteLossException>(() => LayerwisePretrainer.TrainStackStage(victim, 0, poisoned, poisoned, options.Layer(0)));
    }

    [Fact]
    public void A_checkpoint_from_before_callbacks_kept_state_is_refused_in_one_line()
    {
        using var directory = new TempDirectory();
        string path = directory.File("old.ckpt");
        using (var writer = new BinaryWriter(File.Create(path)))
        {
            writer.Write("AECKPT");
            writer.Write(1);
            writer.Write("{}");
        }

        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 8] }.Build();
        using var trainer = new Trainer(model, new Objective(), Quick);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => trainer.Fit(mnist.First(64), resumeFrom: path));
        Assert.Contains("expected checkpoint format version 2, found 1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static void AssertSameWeights(nn.Module expected, nn.Module actual)
    {
        Dictionary<string, Tensor> resumed = actual.state_dict();
        foreach ((string name, Tensor value) in expected.state_dict())
        {
            Assert.True(value.equal(resumed[name]).all().item<bool>(), $"{name} differs from the uninterrupted run's");
        }
    }

    private sealed class StopWhenLossBelow(double threshold, int afterEpoch) : ITrainingCallback
    {
        public nn.Module? SeenModel { get; private set; }

        public void OnEpochEnd(Trainer trainer, EpochRecord record)
        {
            SeenModel = trainer.Model;
            if (record.Epoch >= afterEpoch && record.Train["loss"] < threshold)
            {
                trainer.RequestStop($"stopped by a test callback after epoch {record.Epoch}");
            }
        }
    }
}
