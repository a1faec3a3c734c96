using AutoEncoders.Evaluation;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.Adversarial;

public sealed class SemiSupervisedAdversarialAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void With_100_labels_the_class_code_classifies_held_out_digits_far_better_than_chance()
    {
        TorchRuntime.SetSeed(4);
        var config = new SemiSupervisedAdversarialAutoencoderConfig { Layers = [784, 128], StyleSize = 4, DiscriminatorLayers = [64], LabelledExamples = 100 };
        using var model = (SemiSupervisedAdversarialAutoencoder)config.Build();
        var options = new TrainerOptions { Epochs = 4, BatchSize = 50, Seed = 3, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 1e-3 } };
        using var trainer = new Trainer(model, new Objective { Reconstruction = new BinaryCrossEntropy() }, options);
        TensorDataset train = mnist.Test.Slice(0, 1000), test = mnist.Test.Slice(9000, 500);
        double untrained = model.ClassificationError(test);
        TrainingHistory history = trainer.Fit(train);

        var step = (SemiSupervisedAdversarialTrainingStep)trainer.TrainingStep;
        Assert.Equal(100, step.LabelledCount);
        Assert.Equal(["loss", "bce", "discriminator", "generator", "classification", "classification_error"], history.Epochs[0].Train.Keys);
        double error = model.EvaluationMetrics(test, new ModelEvaluationOptions())["classification_error"];
        Assert.True(untrained > 0.7, $"untrained error {untrained:F3}");
        Assert.True(error < 0.5, $"held-out error {error:F3} with 100 labels (chance 0.9)");

        // Prior draws are a one-hot class and a style; decoding them gives images.
        using var scope = NewDisposeScope();
        Tensor codes = model.SamplePrior(6);
        Assert.Equal([6L, 14], codes.shape);
        Assert.True(codes[.., ..10].sum(1).eq(1).all().item<bool>());
        Assert.Equal([6L, 784], model.Decode(codes).shape);
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_naming_the_field()
    {
        var good = new SemiSupervisedAdversarialAutoencoderConfig();
        good.Validate();
        Assert.StartsWith("classes", Assert.Throws<ArgumentException>((good with { Classes = 1 }).Validate).Message, StringComparison.Ordinal);
        Assert.StartsWith("labelledExamples", Assert.Throws<ArgumentException>((good with { LabelledExamples = 0 }).Validate).Message, StringComparison.Ordinal);
        Assert.StartsWith("styleSize", Assert.Throws<ArgumentException>((good with { StyleSize = 0 }).Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_error_on_unlabelled_data_is_refused_naming_the_data()
    {
        var config = new SemiSupervisedAdversarialAutoencoderConfig { Layers = [16, 8], StyleSize = 2, DiscriminatorLayers = [8], LabelledExamples = 10 };
        using var model = (SemiSupervisedAdversarialAutoencoder)config.Build();
        using var data = new TensorDataset(rand(5, 16), name: "codes.npy");
        var refused = Assert.Throws<AutoEncoders.Data.DataFormatException>(() => model.ClassificationError(data));
        Assert.Equal("codes.npy", refused.FilePath);
        Assert.StartsWith("codes.npy: labels: labels are needed", refused.Message, StringComparison.Ordinal);
    }
}
