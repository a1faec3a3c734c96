using AutoEncoders.Models.Convolutional;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using Xunit.Abstractions;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.Convolutional;

public sealed class ConvolutionalTrainingTests(MnistFixture mnist, ITestOutputHelper log) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Keras_model_trains_on_flattened_digits_with_an_activity_penalty_on_its_code()
    {
        TorchRuntime.SetSeed(2);
        using var model = (ConvolutionalAutoencoder)ConvolutionalRecipes.KerasModel().Build();
        var objective = new Objective { Reconstruction = new BinaryCrossEntropy(), Penalties = [new L1ActivityPenalty { Weight = 1e-4 }] };
        using var trainer = new Trainer(model, objective, new TrainerOptions
        {
            Epochs = 2,
            BatchSize = 64,
            Seed = 3,
            Progress = ProgressMode.Silent,
            Optimizer = new OptimizerOptions { LearningRate = 3e-3 },
        });
        TensorDataset digits = mnist.First(1000);

        IReadOnlyDictionary<string, double> before = trainer.Evaluate(digits);
        trainer.Fit(digits);
        IReadOnlyDictionary<string, double> after = trainer.Evaluate(digits);
        log.WriteLine($"bce {before["bce"]:F4} -> {after["bce"]:F4}, sum |code| {before["l1_activity"] / 1e-4:F2} -> {after["l1_activity"] / 1e-4:F2}");

        Assert.True(after["bce"] < 0.6 * before["bce"], $"BCE should fall well below its initial {before["bce"]:F4}; got {after["bce"]:F4}");

        // The penalty sees the 8x7x7 code (the mean over digits of the sum of |h| over its 392 values); terms are
        // reported weighted, and they add up to the loss.
        Assert.True(after["l1_activity"] / 1e-4 > 1, $"sum |code| = {after["l1_activity"] / 1e-4}");
        Assert.Equal(before["loss"], before["bce"] + before["l1_activity"], 6);
    }
}
