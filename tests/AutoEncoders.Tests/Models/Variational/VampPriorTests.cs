using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Variational;

/// <summary>The VampPrior (Tomczak and Welling, 2018): its density, its sampling, and training on digits beside the standard prior.</summary>
public sealed class VampPriorTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void The_log_density_is_the_mixture_of_the_posteriors_at_the_pseudo_inputs()
    {
        TorchRuntime.SetSeed(2);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [16, 8, 3], VampPrior = new VampPriorConfig { Components = 5, InitialStd = 0.5 } }.Build();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor z = randn(7, 3) * 2;
        (Tensor mean, Tensor logVariance) = model.Posterior(model.VampPrior!.PseudoInputs());
        // Directly: log (1/K) sum_k N(z; mu_k, sigma_k^2), component by component.
        Tensor perComponent = VariationalModel.LogPosterior(z.unsqueeze(1), mean.unsqueeze(0), logVariance.unsqueeze(0));
        Tensor expected = perComponent.logsumexp(1) - Math.Log(5);
        Assert.True(model.LogPrior(z).allclose(expected, rtol: 1e-4, atol: 1e-3), $"{model.LogPrior(z).str()} vs {expected.str()}");
        Assert.True(model.VampPrior.PseudoInputs().ge(0).all().item<bool>() && model.VampPrior.PseudoInputs().le(1).all().item<bool>());
        Assert.Contains("5 learned pseudo-inputs", model.PriorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Generation_picks_a_component_then_draws_from_its_posterior()
    {
        TorchRuntime.SetSeed(3);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [16, 8, 2], VampPrior = new VampPriorConfig { Components = 1 } }.Build();
        using var scope = NewDisposeScope();
        Tensor samples = model.SamplePrior(4000, new Generator(1));
        (Tensor mean, Tensor logVariance) = model.Posterior(model.VampPrior!.PseudoInputs());
        Assert.Equal([4000L, 2L], samples.shape);
        Assert.True(samples.mean([0]).allclose(mean[0], atol: 0.1), $"sample mean {samples.mean([0]).str()} vs the component's {mean[0].str()}");
        Assert.True(samples.std(0).allclose(torch.exp(0.5 * logVariance[0]), rtol: 0.1), "sample spread vs the component's sigma");
        Assert.True(model.SamplePrior(10, new Generator(4)).equal(model.SamplePrior(10, new Generator(4))).all().item<bool>());
    }

    [Fact]
    public void Trains_on_digits_moves_the_pseudo_inputs_generates_and_scores_beside_the_standard_prior()
    {
        TensorDataset train = mnist.Test.Slice(0, 1500), test = mnist.Test.Slice(9000, 300);

        (VariationalMetrics Metrics, double FirstLoss, double LastLoss) Train(VampPriorConfig? prior, Action<VariationalAutoencoder>? inspect = null)
        {
            TorchRuntime.SetSeed(6);
            using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 128, 8], VampPrior = prior }.Build();
            Tensor? start = model.VampPrior?.RawPseudoInputs.detach().clone();
            var objective = new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] };
            var options = new TrainerOptions { Epochs = 5, BatchSize = 100, Seed = 2, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };
            TrainingHistory history;
            using (var trainer = new Trainer(model, objective, options))
            {
                history = trainer.Fit(train);
            }

            if (start is not null)
            {
                double moved = (model.VampPrior!.RawPseudoInputs.detach() - start).abs().max().item<float>();
                Assert.True(moved > 0.05, $"the pseudo-inputs should move in training; the largest change is {moved}");
            }

            inspect?.Invoke(model);
            return (VariationalEvaluation.Evaluate(model, test, importanceSamples: 50, seed: 1), history.Epochs[0].Train["loss"], history.Epochs[^1].Train["loss"]);
        }

        (VariationalMetrics vamp, double first, double last) = Train(new VampPriorConfig { Components = 50 }, model =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.eval();
            Tensor images = model.Decode(model.SamplePrior(16, new Generator(2)));
            Assert.Equal([16L, 784L], images.shape);
            Assert.True(images.ge(0).all().item<bool>() && images.le(1).all().item<bool>());
            // Samples are digits-like rather than flat: their pixels spread.
            Assert.True(images.std().item<float>() > 0.1, $"generated pixels barely vary (std {images.std().item<float>()})");
        });
        (VariationalMetrics standard, _, _) = Train(null);

        Assert.True(last < first - 30, $"the training loss should fall by tens of nats: {first:F1} to {last:F1}");
        Assert.True(double.IsFinite(vamp.Elbo) && vamp.Kl > 0, $"test ELBO {vamp.Elbo}, KL {vamp.Kl}");
        Assert.True(vamp.ImportanceWeightedBound >= vamp.Elbo - 0.5, $"IWAE {vamp.ImportanceWeightedBound:F2} should bound the ELBO {vamp.Elbo:F2}");
        // Comparable with N(0, I) at the same budget (the paper's gains are a few nats after long training).
        Assert.True(Math.Abs(vamp.Elbo - standard.Elbo) < 15, $"test ELBO with the VampPrior {vamp.Elbo:F2}, with N(0, I) {standard.Elbo:F2}");
    }

    [Fact]
    public void Zero_pseudo_inputs_are_refused_naming_the_field()
    {
        var config = new VariationalAutoencoderConfig { Layers = [16, 8, 2], VampPrior = new VampPriorConfig { Components = 0 } };
        Assert.Contains("vampPrior.components", Assert.Throws<ArgumentException>(config.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("vampPrior.initialStd", Assert.Throws<ArgumentException>((config with { VampPrior = new VampPriorConfig { InitialStd = -1 } }).Validate).Message, StringComparison.Ordinal);
    }
}
