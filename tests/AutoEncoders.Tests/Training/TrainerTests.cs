using AutoEncoders.Data;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
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
}
