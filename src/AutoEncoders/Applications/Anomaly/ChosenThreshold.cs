using System.Globalization;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>A threshold chosen without labels, the rule that chose it, and the false-positive rate it implies.</summary>
/// <param name="Value">Samples scoring above it are flagged.</param>
/// <param name="Rule">The rule in words, e.g. "contamination 0.05: the 95th percentile of 700 training scores".</param>
/// <param name="ImpliedFalsePositiveRate">Share of the normal scores named by <paramref name="MeasuredOn"/> above <paramref name="Value"/>.</param>
/// <param name="MeasuredOn">Which scores the implied rate was measured on (held-out normal samples, or the training samples when none are held out).</param>
public sealed record ChosenThreshold(double Value, string Rule, double ImpliedFalsePositiveRate, string MeasuredOn)
{
    /// <summary>One line: the value, the rule, and the implied false-positive rate.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Value:G5} ({Rule}); implied false-positive rate {100 * ImpliedFalsePositiveRate:F1}% on {MeasuredOn}");
}
