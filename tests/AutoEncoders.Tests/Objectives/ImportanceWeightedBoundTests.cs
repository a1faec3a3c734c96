using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

/// <summary>The IWAE training objective (Burda et al., 2016): k = 1 is the ELBO, k &gt; 1 bounds it from above, and training on it tightens the test bound.</summary>
public sealed class ImportanceWeightedBoundTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static LossContext Context(Autoencoder model, Tensor x) => new() { Model = model, Target = x, Input = x, Output = model.call(x), Training = true };

    [Fact]
    public void One_sample_is_exactly_the_one_sample_elbo_and_averages_to_the_closed_form_one()
    {
        TorchRuntime.SetSeed(4);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 32, 4] }.Build();
        using var scope = NewDisposeScope();
        Tensor x = mnist.First(50).Features;
        double sum = 0, closed = 0;
        const int Draws = 60;
        for (int i = 0; i < Draws; i++)
        {
            LossContext context = Context(model, x);
            double iwae = new ImportanceWeightedBound { Samples = 1 }.Compute(context).item<float>();
            Tensor z = context.Output.Code;
            Tensor estimate = VariationalModel.LogPosterior(z, context.Output.Mean!, context.Output.LogVariance!) - model.LogPrior(z);
            double elbo = new NegativeLogLikelihood().Compute(context).item<float>() + estimate.mean().item<float>();
            Assert.Equal(elbo, iwae, 1e-4 * Math.Abs(elbo));
            sum += iwae;
            closed += new NegativeLogLikelihood().Compute(context).item<float>() + new KlDivergence().Compute(context).item<float>();
        }

        // Over many draws the one-sample KL estimate meets the closed form the ELBO objective uses.
        Assert.Equal(closed / Draws, sum / Draws, 0.005 * closed / Draws);
    }

    [Fact]
    public void The_bound_of_k_samples_is_at_least_the_mean_of_their_one_sample_elbos_and_grows_with_k()
    {
        TorchRuntime.SetSeed(5);
        using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 32, 4] }.Build();
        using var scope = NewDisposeScope();
        Tensor x = mnist.First(40).Features;
        var term = new ImportanceWeightedBound { Samples = 5 };
        Tensor logWeights = term.LogWeights(Context(model, x));
        Assert.Equal([5L, 40L], logWeights.shape);
        // Jensen: log mean exp w >= mean w for every example, so -L_5 <= the -ELBO of the same draws.
        Tensor bound = logWeights.logsumexp(0) - Math.Log(5);
        Assert.True(bound.ge(logWeights.mean([0]) - 1e-4).all().item<bool>());

        double Loss(int k)
        {
            manual_seed(9);
            double total = 0;
            for (int i = 0; i < 20; i++)
            {
                total += new ImportanceWeightedBound { Samples = k }.Compute(Context(model, x)).item<float>();
            }

            return total / 20;
        }

        double k1 = Loss(1), k5 = Loss(5), k20 = Loss(20);
        Assert.True(k5 < k1 - 0.5 && k20 < k5, $"-L_k should fall with k: k=1 {k1:F2}, k=5 {k5:F2}, k=20 {k20:F2}");
    }

    [Fact]
    public void Training_on_the_bound_with_five_samples_gives_a_better_test_bound_than_training_on_the_elbo()
    {
        TensorDataset train = mnist.Test.Slice(0, 2000), test = mnist.Test.Slice(9000, 300);

        double TestBound(LossTerm reconstruction, LossTerm[] penalties)
        {
            TorchRuntime.SetSeed(8);
            using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 100, 10] }.Build();
            var options = new TrainerOptions { Epochs = 6, BatchSize = 100, Seed = 2, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };
            using (var trainer = new Trainer(model, new Objective { Reconstruction = reconstruction, Penalties = penalties }, options))
            {
                trainer.Fit(train);
            }

            return VariationalEvaluation.Evaluate(model, test, importanceSamples: 200, seed: 1).ImportanceWeightedBound!.Value;
        }

        double elboTrained = TestBound(new NegativeLogLikelihood(), [new KlDivergence()]);
        double iwaeTrained = TestBound(new ImportanceWeightedBound { Samples = 5 }, []);
        Assert.True(iwaeTrained > elboTrained + 0.5, $"IWAE-200 on test: trained on IWAE-5 {iwaeTrained:F2}, on the ELBO {elboTrained:F2}");
    }

    [Fact]
    public void Zero_importance_samples_are_refused_naming_the_field()
    {
        var objective = new Objective { Reconstruction = new ImportanceWeightedBound { Samples = 0 } };
        Assert.Contains("samples", Assert.Throws<ArgumentException>(objective.Validate).Message, StringComparison.Ordinal);
    }
}
