using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;

namespace AutoEncoders.Tests.Models.Examples;

/// <summary>The example of docs/architecture.md ("how to add a model kind") compiles, trains on the one loop and reports its own metric.</summary>
public sealed class ExampleModelKindTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void The_documented_example_kind_trains_with_its_own_step()
    {
        TorchRuntime.SetSeed(11);
        using var model = (TiedLinearAutoencoder)new TiedLinearAutoencoderConfig { InputSize = 784, CodeSize = 8 }.Build();
        using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, new TrainerOptions { Epochs = 4, BatchSize = 64, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } });
        TrainingHistory history = trainer.Fit(mnist.First(512));

        Assert.Equal(["loss", "mse", "orthogonality"], trainer.MetricNames);
        Assert.True(history.Epochs[^1].Train["loss"] < 0.8 * history.Epochs[0].Train["loss"], $"loss should fall: {history.Epochs[0].Train["loss"]:G4} -> {history.Epochs[^1].Train["loss"]:G4}");
        Assert.True(double.IsFinite(trainer.Evaluate(mnist.First(128))["orthogonality"]));
    }
}
