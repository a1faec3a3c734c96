using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Training;

public sealed class TensorLifetimeTests
{
    [Fact]
    public void Live_tensor_count_does_not_grow_across_epochs()
    {
        TorchRuntime.SetSeed(5);
        using var generator = new Generator(5);
        using var train = new TensorDataset(torch.rand([320, 64], generator: generator));
        using var validation = new TensorDataset(torch.rand([64, 64], generator: generator));
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [64, 32, 8] }.Build();
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Penalties = [new L1ActivityPenalty { Weight = 1e-4 }] };
        using var trainer = new Trainer(model, objective, new TrainerOptions
        {
            Epochs = 5,
            BatchSize = 32,
            Seed = 5,
            Progress = ProgressMode.Silent,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam },
        });
        var probe = new LiveTensorProbe();
        trainer.Callbacks.Add(probe);

        trainer.Fit(train, validation);

        // Epoch 1 creates the optimiser state; from then on every step and evaluation must free what it makes.
        Assert.Equal(5, probe.LiveAtEpochEnd.Count);
        Assert.True(probe.LiveAtEpochEnd[^1] > 0, "the statistics should count the model's parameters and the optimiser state");
        Assert.True(probe.LiveAtEpochEnd.Skip(1).Distinct().Count() == 1, $"live tensors at the end of each epoch: {string.Join(", ", probe.LiveAtEpochEnd)}");
        Assert.True(probe.LiveAtBatchEnd.Skip(10).Distinct().Count() == 1, $"live tensors after each batch vary: {string.Join(", ", probe.LiveAtBatchEnd.Distinct())}");
    }

    private sealed class LiveTensorProbe : ITrainingCallback
    {
        public List<long> LiveAtEpochEnd { get; } = [];

        public List<long> LiveAtBatchEnd { get; } = [];

        public void OnBatchEnd(Trainer trainer, BatchProgress progress) =>
            LiveAtBatchEnd.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        public void OnEpochEnd(Trainer trainer, EpochRecord record) =>
            LiveAtEpochEnd.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
