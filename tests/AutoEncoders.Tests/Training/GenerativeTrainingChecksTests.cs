using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Training;

/// <summary>
/// The generative kinds refuse what cannot work before the first step, each check owned by the kind or term that
/// needs it (a step's or a term's hook), and the dense VAE kinds share their fields without changing the recipe format.
/// </summary>
public sealed class GenerativeTrainingChecksTests
{
    private static readonly Objective Elbo = new() { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };

    [Fact]
    public void Beta_tcvae_with_a_vampprior_or_a_stratified_dataset_smaller_than_the_batch_is_refused_when_the_trainer_is_made()
    {
        TorchRuntime.SetSeed(1);
        var tc = new TotalCorrelationDecomposition { Beta = 4, DatasetSize = 1000 };
        var objective = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [tc] };
        using (var vamp = new VariationalAutoencoderConfig { Layers = [16, 8, 2], VampPrior = new VampPriorConfig { Components = 3 } }.Build())
        {
            string message = Assert.Throws<ArgumentException>(() => new Trainer(vamp, objective, new TrainerOptions { BatchSize = 10 })).Message;
            Assert.Contains("vampPrior", message, StringComparison.Ordinal);
            Assert.StartsWith("beta_tcvae", message, StringComparison.Ordinal);
        }

        using var vae = new VariationalAutoencoderConfig { Layers = [16, 8, 2] }.Build();
        var stratified = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new TotalCorrelationDecomposition { Beta = 4, DatasetSize = 64, Sampling = TotalCorrelationSampling.MinibatchStratified }] };
        string refusal = Assert.Throws<ArgumentException>(() => new Trainer(vae, stratified, new TrainerOptions { BatchSize = 100 })).Message;
        Assert.Equal("beta_tcvae: datasetSize (64) must be at least training.batchSize (100) for minibatch_stratified sampling.", refusal);

        // At a batch of 64 the same term trains: one epoch on 128 random values in [0, 1] gives a finite loss.
        using var trainer = new Trainer(vae, stratified, new TrainerOptions { BatchSize = 64, Epochs = 1, Progress = ProgressMode.Silent });
        using var data = new TensorDataset(rand(128, 16));
        Assert.True(double.IsFinite(trainer.Fit(data).Epochs[0].Train["loss"]));
    }

    [Fact]
    public void A_streamed_fit_refuses_the_semi_supervised_aae_in_one_line_and_trains_a_vae()
    {
        using var temp = new TempDirectory();
        string path = temp.File("train.npy");
        TorchRuntime.SetSeed(2);
        NpyFile.Write(path, rand(200, 16));
        using StreamingDataset stream = StreamingDataset.Open(path, blockRows: 100);

        using var ssaae = new SemiSupervisedAdversarialAutoencoderConfig { Layers = [16, 8], Classes = 3, StyleSize = 2, DiscriminatorLayers = [4], LabelledExamples = 6 }.Build();
        using var adversarial = new Trainer(ssaae, new Objective { Reconstruction = new BinaryCrossEntropy() }, new TrainerOptions { Epochs = 1, BatchSize = 50, Progress = ProgressMode.Silent });
        string message = Assert.Throws<ArgumentException>(() => adversarial.Fit(stream)).Message;
        Assert.StartsWith($"{path}: cannot train this model on a streamed file: model kind \"aae_semisupervised\"", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.Empty(adversarial.History.Epochs);

        using var vae = new VariationalAutoencoderConfig { Layers = [16, 8, 2] }.Build();
        using var trainer = new Trainer(vae, Elbo, new TrainerOptions { Epochs = 1, BatchSize = 50, Progress = ProgressMode.Silent });
        Assert.Single(trainer.Fit(stream).Epochs);
    }

    [Fact]
    public void A_conditional_vae_refuses_unlabelled_data_in_a_recipe_run_but_a_program_may_train_it_on_unknown_classes()
    {
        var config = new ConditionalVariationalAutoencoderConfig { Layers = [16, 8, 2], Classes = 3 };
        TorchRuntime.SetSeed(3);
        using var unlabelled = new TensorDataset(rand(60, 16));
        using var temp = new TempDirectory();
        var recipe = new Recipe { Model = config, Objective = Elbo, Training = new TrainerOptions { Epochs = 1, BatchSize = 20, Progress = ProgressMode.Silent } };
        var run = RunDirectory.CreateNew(temp.Path, "cvae");
        string refusal = Assert.Throws<ArgumentException>(() => new RecipeRunner(recipe, run).Execute(unlabelled, () => null)).Message;
        Assert.StartsWith("data: model kind \"cvae\" is conditioned on labels", refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(run.CheckpointPath));

        using var model = config.Build();
        using var trainer = new Trainer(model, Elbo, recipe.Training);
        Assert.True(double.IsFinite(trainer.Fit(unlabelled).Epochs[0].Train["loss"]));
    }

    [Fact]
    public void The_vae_and_cvae_recipes_keep_their_field_names_after_sharing_them()
    {
        ModelConfig cvae = new ConditionalVariationalAutoencoderConfig { Layers = [784, 400, 2], Classes = 10, Likelihood = ObservationLikelihood.Gaussian, OutputActivation = Activation.Linear, Variance = 0.5 };
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(cvae, JsonDefaults.Options));
        string[] keys = [.. json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        Assert.Equal(["activation", "classes", "kind", "layers", "learnVariance", "likelihood", "outputActivation", "parameterization", "variance"], keys);
        Assert.Equal("cvae", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(0.5, json.RootElement.GetProperty("variance").GetDouble());

        var back = (ConditionalVariationalAutoencoderConfig)JsonSerializer.Deserialize<ModelConfig>(json.RootElement.GetRawText(), JsonDefaults.Options)!;
        Assert.Equal([784, 400, 2], back.Layers);
        Assert.Equal((10, ObservationLikelihood.Gaussian, Activation.Linear), (back.Classes, back.Likelihood, back.OutputActivation));
        Assert.Contains("outputActivation of a cvae", Assert.Throws<ArgumentException>((back with { OutputActivation = Activation.Tanh }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("outputActivation of a vae", Assert.Throws<ArgumentException>(new VariationalAutoencoderConfig { OutputActivation = Activation.Tanh }.Validate).Message, StringComparison.Ordinal);
        Assert.Equal([2, 400, 784], back.EffectiveDecoderLayers);
    }
}
