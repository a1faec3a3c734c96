using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Variational;

public sealed class VariationalAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static TrainerOptions Quick(int epochs) => new()
    {
        Epochs = epochs,
        BatchSize = 50,
        Seed = 3,
        Progress = ProgressMode.Silent,
        Optimizer = new OptimizerOptions { LearningRate = 1e-3 },
    };

    [Fact]
    public void Closed_form_kl_equals_a_monte_carlo_estimate()
    {
        TorchRuntime.SetSeed(11);
        using var scope = torch.NewDisposeScope();
        Tensor mean = torch.randn(3, 4, dtype: ScalarType.Float64);
        Tensor logVariance = torch.randn(3, 4, dtype: ScalarType.Float64) - 0.5;
        double[] closed = KlDivergence.PerExample(mean, logVariance).data<double>().ToArray();

        // KL(q || p) = E_q[log q(z) - log p(z)], with 200,000 draws of z = mu + sigma * eps.
        const int Draws = 200_000;
        Tensor eps = torch.randn([Draws, 3, 4], dtype: ScalarType.Float64);
        Tensor z = mean + (torch.exp(0.5 * logVariance) * eps);
        Tensor logQ = -0.5 * (eps.pow(2) + logVariance + Math.Log(2 * Math.PI));
        Tensor logP = -0.5 * (z.pow(2) + Math.Log(2 * Math.PI));
        double[] monteCarlo = (logQ - logP).sum(2).mean([0]).data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(closed[i] > 0.5, $"the test should use posteriors far from the prior; KL {closed[i]}");
            Assert.Equal(closed[i], monteCarlo[i], 0.02 * closed[i]);
        }

        Assert.Equal(0.0, KlDivergence.PerExample(torch.zeros(2, 5), torch.zeros(2, 5)).abs().max().item<float>(), 6);
    }

    [Fact]
    public void Both_parameterisations_give_the_same_loss_for_the_same_sigma()
    {
        TorchRuntime.SetSeed(12);
        using var logVarianceModel = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 32, 3] }.Build();
        using var sigmaModel = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 32, 3], Parameterization = SpreadParameterization.Sigma }.Build();
        SpreadParameterizationCheck.SameLossForTheSameSigma(
            logVarianceModel, logVarianceModel.SpreadHead, sigmaModel, sigmaModel.SpreadHead, [0.3, 1.0, 2.5], mnist.First(20).Features, ConvolutionalVariationalAutoencoderTests.NegativeElbo());
    }

    [Fact]
    public void Sampling_is_reproducible_with_a_seed()
    {
        TorchRuntime.SetSeed(13);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 16, 4] }.Build();
        Tensor Prior(ulong seed)
        {
            using var generator = new Generator(seed);
            return model.Decode(model.SamplePrior(6, generator));
        }

        Assert.True(Prior(5).equal(Prior(5)).all().item<bool>(), "the same seed should give the same samples");
        Assert.False(Prior(5).allclose(Prior(6)), "another seed should give other samples");

        Tensor x = mnist.First(8).Features;
        Tensor Code(ulong seed)
        {
            using var generator = new Generator(seed);
            model.SamplingGenerator = generator;
            Tensor z = model.forward(x).Code;
            model.SamplingGenerator = null;
            return z;
        }

        Assert.True(Code(1).equal(Code(1)).all().item<bool>(), "the reparameterised sample should repeat with its seed");
        Assert.False(Code(1).allclose(Code(2)));
        Assert.True(model.Encode(x).equal(model.Encode(x)).all().item<bool>(), "Encode returns the deterministic mean");
    }

    [Fact]
    public void Gaussian_likelihood_is_the_normal_log_density_and_its_variance_is_learned()
    {
        TorchRuntime.SetSeed(14);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig
        {
            Layers = [10, 6, 2],
            Likelihood = ObservationLikelihood.Gaussian,
            OutputActivation = Activation.Linear,
            Variance = 0.25,
            LearnVariance = true,
        }.Build();
        Tensor mean = torch.randn(4, 10), x = torch.randn(4, 10);
        float[] ours = model.LogLikelihood(mean, x).detach().data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            float[] m = mean[i].data<float>().ToArray(), v = x[i].data<float>().ToArray();
            double expected = m.Zip(v, (a, b) => (-0.5 * (b - a) * (b - a) / 0.25) - (0.5 * Math.Log(2 * Math.PI * 0.25))).Sum();
            Assert.Equal(expected, ours[i], 1e-3);
        }

        Tensor loss = -model.LogLikelihood(mean, x).mean();
        loss.backward();
        Tensor variance = model.named_parameters().Single(p => p.name == "log_observation_variance").parameter;
        Assert.True(variance.grad is not null && Math.Abs(variance.grad.item<float>()) > 1e-3, "the learned variance should get a gradient");
    }

    [Fact]
    public void Kl_warm_up_ramps_the_training_term_but_not_evaluation()
    {
        TorchRuntime.SetSeed(15);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 16, 4] }.Build();
        Tensor x = mnist.First(10).Features;
        AutoencoderOutput output = model.forward(x);
        var term = new KlDivergence { WarmupEpochs = 4 };
        double Value(bool training, int epoch) =>
            term.Compute(new LossContext { Model = model, Target = x, Input = x, Output = output, Training = training, Epoch = epoch }).item<float>();

        double full = Value(training: false, epoch: 0);
        Assert.True(full > 0);
        // Epoch 1 of 4 (0-based 0) carries 1/4 of the KL, as the README's min(1, epoch/N) promises.
        Assert.Equal(0.25 * full, Value(true, 0), 1e-4 * full);
        Assert.Equal(0.75 * full, Value(true, 2), 1e-4 * full);
        Assert.Equal(full, Value(true, 9), 1e-4 * full);
    }

    [Fact]
    public void Kl_warm_up_weight_is_epoch_over_n_counting_epochs_from_one()
    {
        var term = new KlDivergence { WarmupEpochs = 4 };
        double[] weights = Enumerable.Range(0, 6).Select(term.WarmupFactor).ToArray();
        Assert.Equal([0.25, 0.5, 0.75, 1.0, 1.0, 1.0], weights);
        Assert.Equal(1.0, new KlDivergence { WarmupEpochs = 1 }.WarmupFactor(0));
        Assert.Equal(1.0, new KlDivergence { WarmupEpochs = 0 }.WarmupFactor(0));
    }

    [Fact]
    public void Loss_falls_on_real_digits_and_iwae_bounds_the_elbo_from_above_and_grows_with_k()
    {
        TorchRuntime.SetSeed(16);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 128, 8] }.Build();
        using var trainer = new Trainer(model, ConvolutionalVariationalAutoencoderTests.NegativeElbo(), Quick(6));
        TensorDataset train = mnist.Test.Slice(0, 500), test = mnist.Test.Slice(9000, 200);
        double before = trainer.Evaluate(test)["loss"];
        TrainingHistory history = trainer.Fit(train);
        double after = trainer.Evaluate(test)["loss"];
        Assert.True(history.Epochs[^1].Train["loss"] < history.Epochs[0].Train["loss"] - 30, "the negative ELBO should fall by tens of nats");
        Assert.True(after < before - 200, $"the test negative ELBO should fall far below the untrained {before:F1}; got {after:F1}");

        VariationalMetrics metrics = VariationalEvaluation.Evaluate(model, test, importanceSamples: 100, elboSamples: 10);
        Assert.Equal(-after, metrics.Elbo, 0.03 * after);
        Assert.True(metrics.ActiveUnits is > 0 and <= 8);
        using (torch.no_grad())
        {
            double Iwae(int k)
            {
                using var generator = new Generator(5);
                return VariationalEvaluation.ImportanceWeightedBound(model, test.Features, k, generator).mean().item<double>();
            }

            double k1 = Iwae(1), k10 = Iwae(10), k100 = Iwae(100);
            Assert.Equal(metrics.Elbo, k1, 0.02 * Math.Abs(metrics.Elbo));
            Assert.True(k10 > k1 + 0.5, $"IWAE should grow from k=1 ({k1:F2}) to k=10 ({k10:F2})");
            Assert.True(k100 > k10, $"IWAE should grow from k=10 ({k10:F2}) to k=100 ({k100:F2})");
            Assert.True(metrics.ImportanceWeightedBound >= metrics.Elbo, $"IWAE k=100 {metrics.ImportanceWeightedBound:F2} should bound the ELBO {metrics.Elbo:F2} from above");
            Assert.Equal(k100, metrics.ImportanceWeightedBound!.Value, 1.0);
        }
    }

    [Fact]
    public void Recipe_json_round_trips_and_a_saved_model_loads_back_identically()
    {
        Recipe recipe = Recipe.Load(Path.Combine(RepositoryFolder.Root, "recipes", "vae-784-400-20.json"));
        var config = Assert.IsType<VariationalAutoencoderConfig>(recipe.Model);
        Assert.Equal([784, 400, 20], config.Layers);
        Assert.IsType<NegativeLogLikelihood>(recipe.Objective.Reconstruction);
        Assert.IsType<KlDivergence>(Assert.Single(recipe.Objective.Penalties));
        Assert.Contains("\"kind\": \"kl_divergence\"", recipe.ToJson(), StringComparison.Ordinal);

        TorchRuntime.SetSeed(17);
        var small = new VariationalAutoencoderConfig { Layers = [784, 16, 3], Parameterization = SpreadParameterization.Sigma };
        using Autoencoder model = small.Build();
        using var dir = new TempDirectory();
        new TrainedAutoencoder(model, new ModelManifest { Model = small, Objective = ConvolutionalVariationalAutoencoderTests.NegativeElbo() }).Save(dir.Path);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(dir.Path);
        var loadedConfig = Assert.IsType<VariationalAutoencoderConfig>(loaded.Manifest.Model);
        Assert.Equal(SpreadParameterization.Sigma, loadedConfig.Parameterization);
        Assert.Equal([784, 16, 3], loadedConfig.Layers);
        Tensor x = mnist.First(5).Features;
        Assert.True(loaded.Encode(x).allclose(model.Encode(x)));
        Assert.Throws<ArgumentException>(() => new VariationalAutoencoderConfig { OutputActivation = Activation.Linear }.Validate());

        // The summary names both heads, the sample and the likelihood, with shapes and every parameter counted.
        ModelSummary summary = ModelSummary.Of(model);
        Assert.Equal(["input", "encoder.0", "mean", "spread", "z", "decoder.0", "decoder.1"], summary.Rows.Select(r => r.Name));
        Assert.Equal([3L], summary.Rows.Single(r => r.Name == "spread").OutputShape);
        Assert.Equal(model.ParameterCount, summary.Rows.Sum(r => r.Parameters));
        Assert.Contains("softplus", summary.Format(), StringComparison.Ordinal);
    }
}
