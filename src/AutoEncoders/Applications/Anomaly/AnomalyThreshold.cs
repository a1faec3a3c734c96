using AutoEncoders.Evaluation;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Threshold calibration and scoring reports shared by <see cref="ReconstructionAnomalyDetector"/> and
/// <see cref="SequenceAnomalyDetector"/>: both score samples by reconstruction error and flag those above a
/// percentile of the scores of held-out normal samples.
/// </summary>
internal static class AnomalyThreshold
{
    /// <summary>
    /// The <paramref name="percentile"/>-th percentile of the scores <paramref name="score"/> gives
    /// <paramref name="normalSamples"/>; <paramref name="noun"/> names one sample in the error messages and
    /// <paramref name="paramName"/> the caller's argument.
    /// </summary>
    public static double Calibrate(Tensor normalSamples, double percentile, Func<Tensor, double[]> score, string noun, string paramName)
    {
        ArgumentNullException.ThrowIfNull(normalSamples, paramName);
        if (normalSamples.shape[0] == 0)
        {
            throw new ArgumentException($"Calibration needs at least one normal {noun}; the validation set is empty.", paramName);
        }

        if (percentile is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The percentile must lie between 0 and 100.");
        }

        return Percentile.Of(score(normalSamples), percentile);
    }

    /// <summary>Precision, recall, F1 at <paramref name="threshold"/>, ROC-AUC and PR-AUC of <paramref name="scores"/> against labels (true = anomaly).</summary>
    public static AnomalyDetectionReport Report(double threshold, IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly) => new(
        threshold,
        BinaryClassificationMetrics.AtThreshold(scores, isAnomaly, threshold),
        BinaryClassificationMetrics.RocAuc(scores, isAnomaly),
        BinaryClassificationMetrics.AveragePrecision(scores, isAnomaly));

    /// <summary>The threshold, or an error that says how to set it (<paramref name="howToSet"/>).</summary>
    public static double Require(double? threshold, string howToSet) => threshold ??
        throw new InvalidOperationException($"The detector has no threshold yet: {howToSet}, or set Threshold.");
}
