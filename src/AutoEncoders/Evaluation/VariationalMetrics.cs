using System.Globalization;

namespace AutoEncoders.Evaluation;

/// <summary>
/// What <see cref="VariationalEvaluation"/> measures on a dataset, in nats per example (higher ELBO and IWAE are
/// better): the ELBO, the importance-weighted bound with k samples (Burda et al., 2016), the KL term, the expected
/// log-likelihood and the active latent units.
/// </summary>
public sealed record VariationalMetrics
{
    /// <summary>Examples the ELBO, KL and active units were computed on.</summary>
    public long Count { get; init; }

    /// <summary>Mean ELBO, E_q[log p(x|z)] - KL(q(z|x) || p(z)), with the closed-form KL.</summary>
    public double Elbo { get; init; }

    /// <summary>Mean KL(q(z|x) || N(0, I)).</summary>
    public double Kl { get; init; }

    /// <summary>Mean E_q[log p(x|z)] (Monte Carlo over <see cref="ElboSamples"/> draws per example).</summary>
    public double ExpectedLogLikelihood { get; init; }

    /// <summary>Draws of z per example behind <see cref="ExpectedLogLikelihood"/>.</summary>
    public int ElboSamples { get; init; }

    /// <summary>Latent units u with Cov_x(E_q[z_u]) above <see cref="ActiveUnitThreshold"/> (Burda et al., 2016).</summary>
    public int ActiveUnits { get; init; }

    /// <summary>The variance threshold for an active unit (0.01).</summary>
    public double ActiveUnitThreshold { get; init; }

    /// <summary>Size of z.</summary>
    public int LatentSize { get; init; }

    /// <summary>Importance samples k per example for the IWAE bound; 0 when it was not computed.</summary>
    public int ImportanceSamples { get; init; }

    /// <summary>Examples the IWAE bound was computed on (the first ones of the dataset).</summary>
    public long ImportanceCount { get; init; }

    /// <summary>Mean IWAE bound log (1/k) sum_i p(x, z_i) / q(z_i|x), an estimate of log p(x) from below.</summary>
    public double? ImportanceWeightedBound { get; init; }

    /// <summary>Mean ELBO on the same examples as the IWAE bound, for a like-for-like comparison.</summary>
    public double? ElboOnImportanceSubset { get; init; }

    /// <summary>The metrics as named numbers (for metrics.json, `ae eval` and tables).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>
        {
            ["elbo"] = Elbo,
            ["neg_elbo"] = -Elbo,
            ["kl"] = Kl,
            ["expected_log_likelihood"] = ExpectedLogLikelihood,
            ["active_units"] = ActiveUnits,
        };
        if (ImportanceWeightedBound is double iwae)
        {
            string k = ImportanceSamples.ToString(CultureInfo.InvariantCulture);
            result[$"iwae_k{k}"] = iwae;
            result[$"elbo_on_iwae_subset"] = ElboOnImportanceSubset ?? double.NaN;
            result["iwae_examples"] = ImportanceCount;
        }

        return result;
    }
}
