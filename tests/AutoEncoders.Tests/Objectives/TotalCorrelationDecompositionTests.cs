using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

/// <summary>beta-TCVAE's KL decomposition (Chen et al., 2018): exact sums, expectation, what the TC measures, and its effect in training.</summary>
public sealed class TotalCorrelationDecompositionTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Theory]
    [InlineData(TotalCorrelationSampling.MinibatchWeighted)]
    [InlineData(TotalCorrelationSampling.MinibatchStratified)]
    public void The_three_parts_sum_to_the_minibatch_kl_estimate_and_in_expectation_to_the_closed_form(TotalCorrelationSampling sampling)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        Tensor mean = randn([64, 4], generator: generator, dtype: ScalarType.Float64);
        Tensor logVariance = (randn([64, 4], generator: generator, dtype: ScalarType.Float64) * 0.5) - 1;
        double closedForm = KlDivergence.PerExample(mean, logVariance).mean().item<double>();

        double sum = 0;
        const int Draws = 400;
        for (int i = 0; i < Draws; i++)
        {
            Tensor z = VariationalModel.Reparameterize(mean, logVariance, generator);
            KlDecomposition parts = TotalCorrelationDecomposition.Decompose(mean, logVariance, z, datasetSize: 1000, sampling);
            double total = parts.MutualInformation.item<double>() + parts.TotalCorrelation.item<double>() + parts.DimensionwiseKl.item<double>();
            double estimate = (VariationalModel.LogPosterior(z, mean, logVariance) + (0.5 * (z.pow(2) + Math.Log(2 * Math.PI)).sum(1))).mean().item<double>();
            Assert.Equal(estimate, total, 1e-9);
            sum += total;
        }

        // The single-sample estimate averages to the closed form (its standard error here is about 0.02 nats).
        Assert.Equal(closedForm, sum / Draws, 0.1);
    }

    [Fact]
    public void The_total_correlation_is_near_zero_for_independent_codes_and_large_for_correlated_ones()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        Tensor logVariance = full([256, 3], Math.Log(0.25));
        Tensor independent = randn([256, 3], generator: generator);
        Tensor shared = randn([256, 1], generator: generator);
        Tensor correlated = shared.expand(256, 3) + (0.05 * randn([256, 3], generator: generator));

        double Tc(Tensor means) => TotalCorrelationDecomposition.Decompose(means, logVariance, VariationalModel.Reparameterize(means, logVariance, generator), datasetSize: 256).TotalCorrelation.item<float>();

        double tcIndependent = Tc(independent), tcCorrelated = Tc(correlated);
        Assert.True(Math.Abs(tcIndependent) < 0.2 && tcCorrelated > 0.6, $"three copies of one code should have a large total correlation; got {tcCorrelated:F2} (independent {tcIndependent:F2})");
    }

    [Fact]
    public void Training_with_beta_above_one_lowers_the_measured_total_correlation_on_digits()
    {
        TensorDataset train = mnist.Test.Slice(0, 1000), test = mnist.Test.Slice(9000, 400);

        double MeasuredTc(double beta)
        {
            TorchRuntime.SetSeed(21);
            using var model = (VariationalAutoencoder)new VariationalAutoencoderConfig { Layers = [784, 128, 4] }.Build();
            var objective = new Objective
            {
                Reconstruction = new NegativeLogLikelihood(),
                Penalties = [new TotalCorrelationDecomposition { Beta = beta, DatasetSize = train.Count }],
            };
            var options = new TrainerOptions { Epochs = 6, BatchSize = 100, Seed = 2, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 2e-3 } };
            using (var trainer = new Trainer(model, objective, options))
            {
                trainer.Fit(train);
            }

            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            (Tensor mean, Tensor logVariance) = model.Posterior(test.Features);
            Tensor z = VariationalModel.Reparameterize(mean, logVariance, new Generator(3));
            return TotalCorrelationDecomposition.Decompose(mean, logVariance, z, test.Count).TotalCorrelation.item<float>();
        }

        double plain = MeasuredTc(1), penalised = MeasuredTc(10);
        Assert.True(penalised < plain - 0.05 && penalised < 0.7 * plain, $"beta 10 should lower the total correlation of the test codes below beta 1's {plain:F2}; got {penalised:F2}");
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_naming_the_field()
    {
        Assert.Contains("gamma", Assert.Throws<ArgumentException>(() => new TotalCorrelationDecomposition { Gamma = -1, DatasetSize = 10 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => new TotalCorrelationDecomposition { Beta = double.NaN, DatasetSize = 10 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => new TotalCorrelationDecomposition { Alpha = -0.5, DatasetSize = 10 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("datasetSize", Assert.Throws<ArgumentException>(() => new Objective { Penalties = [new TotalCorrelationDecomposition { Sampling = TotalCorrelationSampling.MinibatchStratified }] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("datasetSize", Assert.Throws<ArgumentException>(() => new TotalCorrelationDecomposition { DatasetSize = -1 }.Validate()).Message, StringComparison.Ordinal);

        using var scope = NewDisposeScope();
        Tensor mean = zeros(8, 2);
        Assert.Contains("datasetSize", Assert.Throws<ArgumentException>(() => TotalCorrelationDecomposition.Decompose(mean, mean, mean, datasetSize: 4, TotalCorrelationSampling.MinibatchStratified)).Message, StringComparison.Ordinal);

        // A VampPrior is not factorised: the dimension-wise KL has no meaning there.
        TorchRuntime.SetSeed(1);
        using var model = new VariationalAutoencoderConfig { Layers = [16, 8, 2], VampPrior = new VampPriorConfig { Components = 3 } }.Build();
        Tensor x = rand(8, 16);
        var context = new LossContext { Model = model, Target = x, Input = x, Output = model.call(x), Training = true };
        Assert.Contains("VampPrior", Assert.Throws<InvalidOperationException>(() => new TotalCorrelationDecomposition { DatasetSize = 100 }.Compute(context)).Message, StringComparison.Ordinal);
    }
}
