using System.Globalization;
using AutoEncoders.Evaluation;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>How well reconstruction-error scores separate anomalies from normal samples on a labelled set.</summary>
/// <param name="Threshold">Samples scoring above it are flagged.</param>
/// <param name="Confusion">Flags against labels at <paramref name="Threshold"/>.</param>
/// <param name="RocAuc">Area under the ROC curve of the scores (threshold-free).</param>
/// <param name="AveragePrecision">Area under the precision-recall curve (average precision).</param>
public sealed record AnomalyDetectionReport(double Threshold, BinaryConfusion Confusion, double RocAuc, double AveragePrecision)
{
    /// <summary>Share of flagged samples that are anomalies.</summary>
    public double Precision => Confusion.Precision;

    /// <summary>Share of anomalies flagged.</summary>
    public double Recall => Confusion.Recall;

    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => Confusion.F1;

    /// <summary>One line: threshold, precision, recall, F1, ROC-AUC, PR-AUC and the counts.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"threshold {Threshold:G4}: precision {Precision:F3}, recall {Recall:F3}, F1 {F1:F3}; ROC-AUC {RocAuc:F3}, PR-AUC {AveragePrecision:F3} " +
        $"(TP {Confusion.TruePositives}, FP {Confusion.FalsePositives}, TN {Confusion.TrueNegatives}, FN {Confusion.FalseNegatives})");
}
