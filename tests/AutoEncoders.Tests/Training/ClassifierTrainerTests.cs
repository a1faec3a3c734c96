using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Classification;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

public sealed class ClassifierTrainerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void Fine_tuning_with_frozen_lower_layers_changes_only_the_head_and_the_upper_layers()
    {
        TorchRuntime.SetSeed(21);
        var aeConfig = new DenseAutoencoderConfig { Layers = [784, 48, 24, 12], Activation = Activation.Sigmoid, CodeActivation = Activation.Sigmoid };
        using var autoencoder = (DenseAutoencoder)aeConfig.Build();
        using EncoderClassifier classifier = EncoderClassifierConfig.For(aeConfig, 10).Build();
        classifier.LoadEncoder(autoencoder);
        Assert.True(classifier.EncoderLayer(0).weight!.equal(autoencoder.EncoderLayer(0).weight!).all().item<bool>());

        Dictionary<string, Tensor> before = classifier.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        var trainer = new ClassifierTrainer(classifier, new ClassifierTrainerOptions { Epochs = 1, BatchSize = 32, FreezeLayers = 2, Seed = 1 });
        trainer.Fit(mnist.First(320));
        Dictionary<string, Tensor> after = classifier.state_dict();

        foreach ((string name, Tensor value) in before)
        {
            bool identical = value.equal(after[name]).all().item<bool>();
            bool frozen = name.StartsWith("encoder.0.", StringComparison.Ordinal) || name.StartsWith("encoder.1.", StringComparison.Ordinal);
            Assert.True(identical == frozen, $"{name}: frozen {frozen} but {(identical ? "unchanged" : "changed")}");
        }
    }

    [Fact]
    public void A_from_scratch_classifier_learns_digits_and_reports_a_consistent_confusion_matrix()
    {
        TorchRuntime.SetSeed(23);
        using EncoderClassifier classifier = new EncoderClassifierConfig { Layers = [784, 64], Activation = Activation.Relu }.Build();
        var trainer = new ClassifierTrainer(classifier, new ClassifierTrainerOptions { Epochs = 4, BatchSize = 32, Seed = 2, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } });
        TensorDataset test = mnist.Test.Slice(8000, 1000);
        TrainingHistory history = trainer.Fit(mnist.First(1000), test);
        (IReadOnlyDictionary<string, double> metrics, var confusion) = trainer.Evaluate(test);

        Assert.Equal(4, history.Epochs.Count);
        Assert.True(history.Epochs[3].Train["accuracy"] > history.Epochs[0].Train["accuracy"]);
        Assert.Equal(history.Epochs[3].Validation!["accuracy"], metrics["accuracy"], 10);
        Assert.True(metrics["accuracy"] > 0.8, $"1,000 labelled digits should give over 80% test accuracy; got {metrics["accuracy"]:P1}");
        Assert.Equal(1000, confusion.Total);
        Assert.Equal(metrics["accuracy"], Enumerable.Range(0, 10).Sum(c => confusion[c, c]) / 1000.0, 10);
        Assert.Equal(1000, Enumerable.Range(0, 10).Sum(a => Enumerable.Range(0, 10).Sum(p => confusion[a, p])));
    }

    [Fact]
    public void The_labelled_subset_is_stratified_and_seeded()
    {
        TensorDataset pool = mnist.First(5000);
        using TensorDataset a = pool.Sample(100, seed: 4);
        using TensorDataset b = pool.Sample(100, seed: 4);
        using TensorDataset c = pool.Sample(100, seed: 5);

        Assert.Equal(100, a.Count);
        Assert.All(a.LabelCounts(), p => Assert.Equal(10, p.Value));
        Assert.Equal(10, a.LabelCounts().Count);
        Assert.True(a.Features.equal(b.Features).all().item<bool>(), "the same seed must give the same subset");
        Assert.False(a.Features.equal(c.Features).all().item<bool>(), "another seed must give another subset");
    }
}
