namespace AutoEncoders.Applications.Anomaly;

/// <summary>Mean and standard deviation of one raw score on held-out normal samples: the score becomes (score − mean) / deviation.</summary>
/// <param name="Mean">Mean raw score.</param>
/// <param name="Deviation">Standard deviation of the raw score (a deviation of 0 is stored as 1).</param>
public sealed record ScoreScale(double Mean, double Deviation)
{
    /// <summary>Scores left as they are (mean 0, deviation 1).</summary>
    public static ScoreScale Identity { get; } = new(0, 1);

    /// <summary>The mean and (population) deviation of <paramref name="values"/>; the identity for none.</summary>
    public static ScoreScale Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return Identity;
        }

        double mean = values.Average();
        double deviation = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        return new ScoreScale(mean, deviation > 0 ? deviation : 1);
    }

    /// <summary>(raw − mean) / deviation for each value.</summary>
    public double[] Apply(IReadOnlyList<double> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        double scale = Deviation > 0 ? Deviation : 1;
        return [.. raw.Select(r => (r - Mean) / scale)];
    }
}
