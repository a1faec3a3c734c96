using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Variational;

public sealed class ConvolutionalVariationalAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    /// <summary>A small version of recipes/conv-vae-mnist.json: 28 -> 14 -> 7, z of 4, back 7 -> 14 -> 28.</summary>
    internal static ConvolutionalVariationalAutoencoderConfig Tiny(SpreadParameterization parameterization = SpreadParameterization.LogVariance) => new()
    {
        Encoder =
        [
            new Conv2dSpec { Filters = 8, KernelSize = 3, Stride = 2, Padding = ConvPadding.Of(1), Activation = Activation.Relu },
            new Conv2dSpec { Filters = 16, KernelSize = 3, Stride = 2, Padding = ConvPadding.Of(1), Activation = Activation.Relu },
        ],
        LatentSize = 4,
        DecoderInput = [16, 7, 7],
        Decoder =
        [
            new ConvTranspose2dSpec { Filters = 8, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Relu },
            new ConvTranspose2dSpec { Filters = 1, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Sigmoid },
        ],
        Parameterization = parameterization,
    };

    /// <summary>The negative ELBO (reconstruction NLL plus KL), shared with the dense VAE and CLI tests.</summary>
    internal static Objective NegativeElbo() => new()
    {
        Reconstruction = new NegativeLogLikelihood(),
        Penalties = [new KlDivergence()],
    };

    [Fact]
    public void The_recipe_builds_and_shapes_run_through_encoder_heads_and_decoder()
    {
        Recipe recipe = Recipe.Load(Path.Combine(RepositoryFolder.Root, "recipes", "conv-vae-mnist.json"));
        var config = Assert.IsType<ConvolutionalVariationalAutoencoderConfig>(recipe.Model);
        Assert.Contains("\"kind\": \"conv_vae\"", recipe.ToJson(), StringComparison.Ordinal);
        Assert.Equal(64L * 7 * 7, config.FlattenedSize);
        Assert.Equal([16L], config.CodeShape);
        Assert.Equal(Activation.Sigmoid, config.OutputActivation);

        TorchRuntime.SetSeed(41);
        using var model = (ConvolutionalVariationalAutoencoder)config.Build();
        using var scope = torch.NewDisposeScope();
        Tensor flat = mnist.First(3).Features;
        Tensor images = flat.reshape(3, 1, 28, 28);
        AutoencoderOutput output = model.forward(images);
        Assert.Equal([3L, 1, 28, 28], output.Reconstruction.shape);
        Assert.Equal([3L, 1, 28, 28], output.Logits!.shape);
        Assert.Equal([3L, 16], output.Mean!.shape);
        Assert.Equal([3L, 16], output.LogVariance!.shape);
        Assert.Equal([3L, 16], output.Code.shape);
        Assert.Equal(["encoder.0", "encoder.1", "code"], output.Hidden.Select(h => h.Name));
        Assert.Equal([3L, 64, 7, 7], output.Hidden[1].Output.shape);
        Assert.True(output.Logits.sigmoid().allclose(output.Reconstruction, atol: 1e-6), "the reconstruction is the sigmoid of the logits");
        Assert.Equal([3L, 784], model.forward(flat).Reconstruction.shape);

        Tensor z = model.SamplePrior(5);
        Assert.Equal([5L, 16], z.shape);
        Assert.Equal([5L, 1, 28, 28], model.Decode(z).shape);
        Assert.Equal([5L, 1, 28, 28], model.DecodePreActivation(z).shape);
        Assert.True(model.Encode(flat).equal(model.Posterior(images).Mean).all().item<bool>(), "Encode is the posterior mean, for rows or images");

        ModelSummary summary = ModelSummary.Of(model);
        Assert.Equal(["input", "encoder.0", "encoder.1", "flatten", "mean", "spread", "z", "decoder_input", "decoder.0", "decoder.1", "decoder.2"], summary.Rows.Select(r => r.Name));
        Assert.Equal([64L, 7, 7], summary.Rows.Single(r => r.Name == "decoder_input").OutputShape);
        Assert.Equal(model.ParameterCount, summary.Rows.Sum(r => r.Parameters));
        Assert.Equal(228_193, model.ParameterCount);
        Assert.Equal(32L * 28 * 28, model.DecodeValuesPerExample); // the IWAE chunks are sized by the widest feature maps

        var wrong = Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(2, 1, 14, 56)));
        Assert.Contains("[B, 1, 28, 28]", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_parameterisations_give_the_same_loss_for_the_same_sigma()
    {
        TorchRuntime.SetSeed(42);
        using var logVarianceModel = (ConvolutionalVariationalAutoencoder)Tiny().Build();
        using var sigmaModel = (ConvolutionalVariationalAutoencoder)Tiny(SpreadParameterization.Sigma).Build();
        SpreadParameterizationCheck.SameLossForTheSameSigma(
            logVarianceModel, logVarianceModel.SpreadHead, sigmaModel, sigmaModel.SpreadHead, [0.3, 1.0, 2.5, 0.7], mnist.First(20).Features, NegativeElbo());
    }

    [Fact]
    public void Training_on_real_digits_lowers_the_negative_elbo_and_iwae_bounds_the_elbo_from_above()
    {
        TorchRuntime.SetSeed(43);
        using var model = (ConvolutionalVariationalAutoencoder)Tiny().Build();
        var options = new TrainerOptions { Epochs = 10, BatchSize = 32, Seed = 3, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };
        using var trainer = new Trainer(model, NegativeElbo(), options);
        TensorDataset train = mnist.Test.Slice(0, 512), test = mnist.Test.Slice(9000, 200);
        double before = trainer.Evaluate(test)["loss"];
        TrainingHistory history = trainer.Fit(train); // 10 epochs of 16 steps: 160 Adam steps
        double after = trainer.Evaluate(test)["loss"];
        Assert.True(before > 500, $"an untrained decoder should cost about 784 log 2 nats; got {before:F1}");
        Assert.True(after < 0.5 * before, $"the test negative ELBO should fall well below the untrained {before:F1}; got {after:F1}");
        Assert.True(history.Epochs[^1].Train["loss"] < history.Epochs[0].Train["loss"] - 50, "the training negative ELBO should fall by tens of nats");

        VariationalMetrics metrics = VariationalEvaluation.Evaluate(model, test, importanceSamples: 50, importanceLimit: 100, elboSamples: 5);
        Assert.Equal(-after, metrics.Elbo, 0.03 * after);
        Assert.True(metrics.ActiveUnits is > 0 and <= 4, $"active units {metrics.ActiveUnits}");
        Assert.Equal(100, metrics.ImportanceCount);
        Assert.True(
            metrics.ImportanceWeightedBound > metrics.ElboOnImportanceSubset + 0.5,
            $"IWAE k=50 {metrics.ImportanceWeightedBound:F2} should exceed the ELBO {metrics.ElboOnImportanceSubset:F2} on the same images");
    }

    [Fact]
    public void A_decoder_that_does_not_return_to_the_input_shape_is_refused_with_the_shapes()
    {
        ConvolutionalVariationalAutoencoderConfig good = Tiny();
        good.Validate();
        ConvolutionalVariationalAutoencoderConfig noOutputPadding = good with
        {
            Decoder =
            [
                new ConvTranspose2dSpec { Filters = 8, KernelSize = 3, Stride = 2, Padding = 1, Activation = Activation.Relu },
                new ConvTranspose2dSpec { Filters = 1, KernelSize = 3, Stride = 2, Padding = 1, Activation = Activation.Sigmoid },
            ],
        };
        var error = Assert.Throws<ArgumentException>(noOutputPadding.Build);
        Assert.Contains("model (conv_vae)", error.Message, StringComparison.Ordinal);
        Assert.Contains("the decoder returns [1, 25, 25] from its input [16, 7, 7] but the input is [1, 28, 28]", error.Message, StringComparison.Ordinal);
        Assert.Contains("decoder.0 (conv_transpose2d) [8, 13, 13]", error.Message, StringComparison.Ordinal);

        var channels = Assert.Throws<ArgumentException>(() => (good with { Decoder = [good.Decoder[0], new ConvTranspose2dSpec { Filters = 3, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.Sigmoid }] }).Validate());
        Assert.Contains("end the decoder with a layer of 1 filter(s)", channels.Message, StringComparison.Ordinal);

        var decoderInput = Assert.Throws<ArgumentException>(() => (good with { DecoderInput = [16, 7] }).Validate());
        Assert.Contains("decoderInput", decoderInput.Message, StringComparison.Ordinal);

        var linearBernoulli = Assert.Throws<ArgumentException>(() => (good with { Decoder = [good.Decoder[0], new ConvTranspose2dSpec { Filters = 1, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1 }] }).Validate());
        Assert.Contains("bernoulli", linearBernoulli.Message, StringComparison.Ordinal);
        (good with { Decoder = [good.Decoder[0], new ConvTranspose2dSpec { Filters = 1, KernelSize = 3, Stride = 2, Padding = 1, OutputPadding = 1 }], Likelihood = ObservationLikelihood.Gaussian }).Validate();

        // Pooling indices cannot cross the linear bottleneck: the decoder starts from z alone.
        ConvolutionalVariationalAutoencoderConfig unpool = good with
        {
            Encoder = [new Conv2dSpec { Filters = 8, Padding = ConvPadding.Same, Activation = Activation.Relu }, new MaxPool2dSpec { KernelSize = 2, Name = "pool" }],
            DecoderInput = [8, 14, 14],
            Decoder = [new MaxUnpool2dSpec { Pool = "pool" }, new Conv2dSpec { Filters = 1, Padding = ConvPadding.Same, Activation = Activation.Sigmoid }],
        };
        var crossing = Assert.Throws<ArgumentException>(unpool.Validate);
        Assert.Contains("a variational decoder starts from z alone", crossing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_saved_model_loads_back_with_identical_outputs()
    {
        TorchRuntime.SetSeed(44);
        ConvolutionalVariationalAutoencoderConfig config = Tiny(SpreadParameterization.Sigma);
        using Autoencoder model = config.Build();
        using var dir = new TempDirectory();
        new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = NegativeElbo() }).Save(dir.Path);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(dir.Path);
        var loadedConfig = Assert.IsType<ConvolutionalVariationalAutoencoderConfig>(loaded.Manifest.Model);
        Assert.Equal(SpreadParameterization.Sigma, loadedConfig.Parameterization);
        Assert.Equal([16, 7, 7], loadedConfig.DecoderInput);
        var copy = Assert.IsType<ConvolutionalVariationalAutoencoder>(loaded.Model);
        Assert.Contains(copy.state_dict().Keys, k => k == "decoder_input.weight");

        using var scope = torch.NewDisposeScope();
        Tensor x = mnist.First(6).Features;
        var original = (ConvolutionalVariationalAutoencoder)model;
        Assert.True(copy.Encode(x).equal(original.Encode(x)).all().item<bool>(), "the posterior means should be identical");
        Tensor z = torch.randn(4, 4);
        Assert.True(copy.Decode(z).equal(original.Decode(z)).all().item<bool>(), "the decodings should be identical");
        Tensor Sampled(ConvolutionalVariationalAutoencoder m)
        {
            using var generator = new Generator(7);
            m.SamplingGenerator = generator;
            Tensor r = m.forward(x).Reconstruction;
            m.SamplingGenerator = null;
            return r;
        }

        Assert.True(Sampled(copy).equal(Sampled(original)).all().item<bool>(), "with the same eps the forward passes should be identical");
    }
}
