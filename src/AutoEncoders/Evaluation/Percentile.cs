namespace AutoEncoders.Evaluation;

/// <summary>Percentiles of a sample, with linear interpolation between order statistics (NumPy's default method).</summary>
public static class Percentile
{
    /// <summary>
    /// The <paramref name="percent"/>-th percentile of <paramref name="values"/>: with the values sorted,
    /// position p/100 (n - 1), interpolated linearly between its neighbours.
    /// </summary>
    /// <exception cref="ArgumentException">No values, a NaN value, or a percent outside [0, 100].</exception>
    public static double Of(IEnumerable<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(percent is >= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "The percentile must lie in [0, 100].");
        }

        double[] sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A percentile needs at least one value; the sample is empty.", nameof(values));
        }

        if (sorted.Any(double.IsNaN))
        {
            throw new ArgumentException("The sample holds NaN values; a percentile is undefined.", nameof(values));
        }

        Array.Sort(sorted);
        double position = percent / 100.0 * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        double fraction = position - below;
        return sorted[below] + (fraction * (sorted[above] - sorted[below]));
    }
}
