using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Classification;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Cli;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.Variational;

public sealed class ConditionalVariationalAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly ConditionalVariationalAutoencoderConfig Config = new() { Layers = [784, 256, 2], Classes = 10 };

    private static Objective Elbo => new() { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };

    [Fact]
    public void Generated_digits_of_each_class_are_mostly_recognised_as_that_class()
    {
        using ConditionalVariationalAutoencoder model = TrainOnMnist(epochs: 6);

        // A small classifier (784-128-10) trained on 4,000 real test digits the CVAE never saw.
        TorchRuntime.SetSeed(9);
        using EncoderClassifier classifier = new EncoderClassifierConfig { Layers = [784, 128], Activation = Activation.Relu, Classes = 10 }.Build();
        using (TensorDataset reference = mnist.Test.Slice(6000, 4000))
        {
            new ClassifierTrainer(classifier, new ClassifierTrainerOptions { Epochs = 8, BatchSize = 50, Seed = 9 }).Fit(reference);
        }

        using var scope = torch.NewDisposeScope();
        model.eval();
        classifier.eval();
        using var noGrad = torch.no_grad();
        using var generator = new Generator(3);
        var perClass = new double[10];
        for (int c = 0; c < 10; c++)
        {
            Tensor samples = model.Generate(50, c, generator);
            Assert.Equal([50L, 784L], samples.shape);
            perClass[c] = classifier.call(samples).argmax(1).eq(c).to(ScalarType.Float32).mean().item<float>();
        }

        string report = string.Join(", ", perClass.Select((a, c) => $"{c}: {a:P0}"));
        Assert.True(perClass.Average() >= 0.7, $"generated digits recognised as their class: {perClass.Average():P1} ({report})");
        Assert.True(perClass.Min() >= 0.3, $"every class should be generated recognisably ({report})");

        // The test evaluation conditions each digit on its own label: far better reconstructions than with none.
        using TensorDataset test = mnist.Test.Slice(8000, 500);
        IReadOnlyDictionary<string, double> conditioned = model.EvaluationMetrics(test, new ModelEvaluationOptions { ImportanceSamples = 10, ImportanceLimit = 150 });
        using TensorDataset unlabelled = new(test.Features.alias());
        IReadOnlyDictionary<string, double> unknown = model.EvaluationMetrics(unlabelled, new ModelEvaluationOptions());
        Assert.True(conditioned["elbo"] > unknown["elbo"] + 5, $"ELBO with labels {conditioned["elbo"]:F1}, without {unknown["elbo"]:F1}");
        Assert.True(conditioned["iwae_k10"] > conditioned["elbo_on_iwae_subset"], "the IWAE bound (k = 10) should exceed the ELBO on the same digits");
        Assert.Equal(150, conditioned["iwae_examples"]);
        Assert.True(conditioned.ContainsKey("squared_error_per_sample"), string.Join(", ", conditioned.Keys));
    }

    [Fact]
    public void Classes_outside_the_labels_and_data_without_labels_are_refused_by_name()
    {
        Assert.Contains("classes", Assert.Throws<ArgumentException>((Config with { Classes = 1 }).Validate).Message, StringComparison.Ordinal);
        TorchRuntime.SetSeed(5);
        using var model = (ConditionalVariationalAutoencoder)(Config with { Classes = 3 }).Build();
        Assert.Contains("classes 0..2", Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(4, 3)).Message, StringComparison.Ordinal);
        Assert.Contains("classes 0..2", Assert.Throws<ArgumentException>(() => model.Conditioned(torch.tensor(new long[] { 0, 5 }))).Message, StringComparison.Ordinal);

        // Training data with a label the model has no class for is refused before the first step.
        using var trainer = new Trainer(model, Elbo, new TrainerOptions { Epochs = 1, Progress = ProgressMode.Silent });
        Assert.Contains("labels: expected labels in the model's classes 0..2 (model.classes is 3", Assert.Throws<AutoEncoders.Data.DataFormatException>(() => trainer.Fit(mnist.First(20))).Message, StringComparison.Ordinal);

        // A recipe whose data has no labels is refused before training (the step's CheckRunData), naming the data section.
        using var temp = new TempDirectory();
        var recipe = new Recipe { Model = Config, Objective = Elbo, Training = new TrainerOptions { Epochs = 1, Progress = ProgressMode.Silent } };
        var runner = new RecipeRunner(recipe, RunDirectory.CreateNew(temp.Path, "cvae"));
        using TensorDataset unlabelled = new(mnist.First(20).Features.clone());
        string refusal = Assert.Throws<ArgumentException>(() => runner.Execute(unlabelled, () => null)).Message;
        Assert.StartsWith("data:", refusal, StringComparison.Ordinal);
        Assert.Contains("labels", refusal, StringComparison.Ordinal);

        // ONNX graphs have one input, so the conditional kind is refused in so many words.
        Assert.Contains("conditional VAE", Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, temp.File("onnx"))).Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("onnx")));
    }

    [Fact]
    public void Ae_generate_takes_a_class_for_a_conditional_model_and_refuses_it_otherwise()
    {
        using var dir = new TempDirectory();
        string cvae = dir.File("cvae");
        TorchRuntime.SetSeed(6);
        using (Autoencoder model = Config.Build())
        {
            new TrainedAutoencoder(model, new ModelManifest { Model = Config, Objective = Elbo }).Save(cvae);
        }

        CliRun three = CliRun.Of("generate", cvae, "--class", "3", "--count", "6", "--seed", "1", "-o", dir.File("3.png"), "--values", dir.File("3.npy"));
        Assert.True(three.ExitCode == 0, three.Error);
        Assert.True(CliRun.Of("generate", cvae, "--class", "7", "--count", "6", "--seed", "1", "-o", dir.File("7.png"), "--values", dir.File("7.npy")).ExitCode == 0);
        using (var scope = torch.NewDisposeScope())
        using (TrainedAutoencoder loaded = TrainedAutoencoder.Load(cvae))
        {
            var model = (ConditionalVariationalAutoencoder)loaded.Model;
            Tensor written = NpyFile.Read(dir.File("3.npy"));
            Assert.Equal([6L, 784L], written.shape);
            Assert.True(written.allclose(model.Generate(6, 3, new Generator(1)), atol: 1e-6), "ae generate --class 3 decodes the seed's prior draws with class 3");
            Assert.False(written.allclose(NpyFile.Read(dir.File("7.npy"))), "another class gives other samples from the same draws");
        }

        CliRun none = CliRun.Of("generate", cvae, "-o", dir.File("x.png"));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("--class", none.Error, StringComparison.Ordinal);
        Assert.Contains("classes 0..9", none.Error, StringComparison.Ordinal);
        CliRun outside = CliRun.Of("generate", cvae, "--class", "10", "-o", dir.File("x.png"));
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("--class: 10 is outside", outside.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.png")));

        var dense = new DenseAutoencoderConfig { Layers = [784, 8] };
        using (Autoencoder model = dense.Build())
        {
            new TrainedAutoencoder(model, new ModelManifest { Model = dense }).Save(dir.File("dense"));
        }

        CliRun notConditional = CliRun.Of("generate", dir.File("dense"), "--class", "3", "--images", TestData.MnistTestImages, "--limit", "20", "-o", dir.File("x.png"));
        Assert.Equal(1, notConditional.ExitCode);
        Assert.Contains("--class: only a conditional model", notConditional.Error, StringComparison.Ordinal);
    }

    private ConditionalVariationalAutoencoder TrainOnMnist(int epochs)
    {
        TorchRuntime.SetSeed(4);
        var model = (ConditionalVariationalAutoencoder)Config.Build();
        using var trainer = new Trainer(model, Elbo, new TrainerOptions { Epochs = epochs, BatchSize = 100, Seed = 4, Progress = ProgressMode.Silent });
        trainer.Fit(mnist.First(6000));
        return model;
    }
}
