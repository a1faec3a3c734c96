using AutoEncoders.Data;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// Test-time measures of a variational autoencoder, in nats per example: the ELBO, the importance-weighted bound
/// with k samples (Burda et al., 2016) log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x), which tightens
/// towards log p(x) as k grows, the KL term and the number of active units. The k samples of a batch are drawn and
/// decoded in chunks, so k = 1000 fits in memory. Runs in evaluation mode without gradients; seeded.
/// </summary>
public static class VariationalEvaluation
{
    /// <summary>Burda et al.'s activity threshold on Cov_x(E_q[z_u]).</summary>
    public const double ActiveUnitThreshold = 0.01;

    private const long ChunkValues = 20_000_000;
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="data"/>: ELBO, KL, active units on all of it, and with
    /// <paramref name="importanceSamples"/> &gt; 0 the IWAE bound on its first <paramref name="importanceLimit"/>
    /// examples (all when null).
    /// </summary>
    public static VariationalMetrics Evaluate(VariationalModel model, TensorDataset data, int importanceSamples = 0, long? importanceLimit = null, int batchSize = 100, long seed = 0, int elboSamples = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(importanceSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(elboSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var generator = new Generator((ulong)seed);
            Device device = model.ParameterDevice;
            double elboSum = 0, klSum = 0, likelihoodSum = 0;
            var means = new List<Tensor>();
            foreach (Batch batch in data.Batches(batchSize))
            {
                using var scope = torch.NewDisposeScope();
                Tensor x = batch.Features.to(device);
                (Tensor mean, Tensor logVariance) = model.Posterior(x);
                SampleTermsResult sampled = SampleTerms(model, x, mean, logVariance, elboSamples, generator);
                Tensor logLikelihood = sampled.LogLikelihood.mean([0]);
                // Without a closed form (VampPrior) the KL is estimated at the same samples: E[log q - log p].
                Tensor kl = model.HasStandardPrior ? KlDivergence.PerExample(mean, logVariance) : (sampled.LogLikelihood - sampled.LogWeights).mean([0]);
                klSum += kl.sum().item<float>();
                likelihoodSum += logLikelihood.sum().item<float>();
                elboSum += (logLikelihood - kl).sum().item<float>();
                means.Add(mean.cpu().MoveToOuterDisposeScope());
            }

            int active;
            using (var scope = torch.NewDisposeScope())
            {
                active = ActiveUnits(torch.cat(means), ActiveUnitThreshold);
            }

            foreach (Tensor m in means)
            {
                m.Dispose();
            }

            long n = Math.Max(1, data.Count);
            double? iwae = null, elboSubset = null;
            long importanceCount = 0;
            if (importanceSamples > 0)
            {
                using TensorDataset subset = data.Slice(0, Math.Min(data.Count, importanceLimit ?? data.Count));
                double iwaeSum = 0, subsetElboSum = 0;
                foreach (Batch batch in subset.Batches(batchSize))
                {
                    using var scope = torch.NewDisposeScope();
                    Tensor x = batch.Features.to(device);
                    (Tensor mean, Tensor logVariance) = model.Posterior(x);
                    SampleTermsResult terms = SampleTerms(model, x, mean, logVariance, importanceSamples, generator);
                    iwaeSum += LogMeanExp(terms.LogWeights).sum().item<double>();
                    Tensor subsetKl = model.HasStandardPrior ? KlDivergence.PerExample(mean, logVariance) : (terms.LogLikelihood - terms.LogWeights).mean([0]);
                    subsetElboSum += (terms.LogLikelihood.mean([0]) - subsetKl).sum().item<float>();
                }

                importanceCount = subset.Count;
                iwae = iwaeSum / Math.Max(1, importanceCount);
                elboSubset = subsetElboSum / Math.Max(1, importanceCount);
            }

            return new VariationalMetrics
            {
                Count = data.Count,
                Elbo = elboSum / n,
                Kl = klSum / n,
                ExpectedLogLikelihood = likelihoodSum / n,
                ElboSamples = elboSamples,
                ActiveUnits = active,
                ActiveUnitThreshold = ActiveUnitThreshold,
                LatentSize = model.LatentSize,
                ImportanceSamples = importanceSamples,
                ImportanceCount = importanceCount,
                ImportanceWeightedBound = iwae,
                ElboOnImportanceSubset = elboSubset,
            };
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// The IWAE bound per example [B] for a batch <paramref name="input"/> with <paramref name="samples"/>
    /// importance samples (k = 1 gives a one-sample ELBO estimate). Call without gradients for large k.
    /// </summary>
    public static Tensor ImportanceWeightedBound(VariationalModel model, Tensor input, int samples, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance) = model.Posterior(input);
        return LogMeanExp(SampleTerms(model, input, mean, logVariance, samples, generator).LogWeights).MoveToOuterDisposeScope();
    }

    /// <summary>Units whose posterior mean varies across the data [N, d] by more than <paramref name="threshold"/> (variance).</summary>
    public static int ActiveUnits(Tensor posteriorMeans, double threshold = ActiveUnitThreshold)
    {
        ArgumentNullException.ThrowIfNull(posteriorMeans);
        using var scope = torch.NewDisposeScope();
        Tensor variance = posteriorMeans.to_type(ScalarType.Float64).var(0L);
        return (int)variance.gt(threshold).sum().item<long>();
    }

    /// <summary>log (1/k) sum_i exp(w_i) over dimension 0 of [k, B].</summary>
    private static Tensor LogMeanExp(Tensor logWeights) =>
        logWeights.to_type(ScalarType.Float64).logsumexp(0) - Math.Log(logWeights.shape[0]);

    /// <summary>
    /// Draws <paramref name="samples"/> z ~ q(z|x) per example and returns log p(x|z) and the log importance weights
    /// log p(x|z) + log p(z) - log q(z|x), each [k, B]; chunked so no layer of a decode holds more than about 20M values.
    /// </summary>
    private static SampleTermsResult SampleTerms(VariationalModel model, Tensor input, Tensor mean, Tensor logVariance, int samples, Generator? generator)
    {
        Tensor x = input.reshape(input.shape[0], -1);
        long b = x.shape[0], values = x.shape[1], d = mean.shape[1];
        // Sized by the decoder's widest layer, not its output: a convolutional decoder's feature maps hold many
        // times the values of the image it ends in.
        long perExample = Math.Max(values, model.DecodeValuesPerExample);
        long chunk = Math.Max(1, Math.Min(samples, ChunkValues / Math.Max(1, b * perExample)));
        Tensor sigma = torch.exp(0.5 * logVariance);
        Tensor logQConstant = -0.5 * (logVariance.sum(1) + (d * Log2Pi));
        var likelihoods = new List<Tensor>();
        var weights = new List<Tensor>();
        for (long start = 0; start < samples; start += chunk)
        {
            // One scope per chunk: without it every chunk's decoder activations live until the caller's scope ends,
            // and k = 1000 through a convolutional decoder needs tens of GB.
            using var chunkScope = torch.NewDisposeScope();
            long c = Math.Min(chunk, samples - start);
            Tensor eps = torch.randn([c, b, d], dtype: mean.dtype, device: mean.device, generator: generator);
            Tensor z = mean.unsqueeze(0) + (sigma.unsqueeze(0) * eps);
            Tensor pre = model.DecodePreActivation(z.reshape(c * b, d));
            Tensor target = x.unsqueeze(0).expand(c, b, values).reshape(c * b, values);
            Tensor logLikelihood = model.LogLikelihood(pre, target).reshape(c, b);
            Tensor logPrior = model.HasStandardPrior ? -0.5 * (z.pow(2).sum(2) + (d * Log2Pi)) : model.LogPrior(z.reshape(c * b, d)).reshape(c, b);
            Tensor logPosterior = logQConstant.unsqueeze(0) - (0.5 * eps.pow(2).sum(2));
            weights.Add((logLikelihood + logPrior - logPosterior).MoveToOuterDisposeScope());
            likelihoods.Add(logLikelihood.MoveToOuterDisposeScope());
        }

        return new SampleTermsResult(torch.cat(likelihoods), torch.cat(weights));
    }

    private sealed record SampleTermsResult(Tensor LogLikelihood, Tensor LogWeights);
}
