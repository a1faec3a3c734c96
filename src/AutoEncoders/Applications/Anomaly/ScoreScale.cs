namespace AutoEncoders.Applications.Anomaly;

/// <summary>Centre and unit of one raw score on held-out normal samples: the score becomes (score − mean) / deviation.</summary>
/// <param name="Mean">Mean raw score (the median for <see cref="Robust"/>).</param>
/// <param name="Deviation">Standard deviation of the raw score (a deviation of 0 is stored as 1; for <see cref="Robust"/> the gap from the median to the 90th percentile).</param>
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

    /// <summary>
    /// A robust scale for comparing upper tails: the median of <paramref name="values"/> as the centre and the gap
    /// from it to their 90th percentile (linear interpolation, NumPy's default) as the unit, so one far-out held-out
    /// row does not set the unit; the population deviation where that gap is 0; the identity for none.
    /// </summary>
    public static ScoreScale Robust(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return Identity;
        }

        double[] sorted = [.. values.Order()];
        double median = Quantile(sorted, 0.5);
        double spread = Quantile(sorted, 0.9) - median;
        return spread > 0 ? new ScoreScale(median, spread) : new ScoreScale(median, Of(values).Deviation);
    }

    /// <summary>(raw − mean) / deviation for each value.</summary>
    public double[] Apply(IReadOnlyList<double> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        double scale = Deviation > 0 ? Deviation : 1;
        return [.. raw.Select(r => (r - Mean) / scale)];
    }

    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
