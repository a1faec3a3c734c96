namespace AutoEncoders.Evaluation;

/// <summary>
/// Counts of a binary decision against true labels ("positive" = the class being detected, e.g. an anomaly), with
/// the usual rates. A rate whose denominator is zero is reported as 0 (scikit-learn's zero_division=0).
/// </summary>
/// <param name="TruePositives">Positives flagged as positive.</param>
/// <param name="FalsePositives">Negatives flagged as positive.</param>
/// <param name="TrueNegatives">Negatives left unflagged.</param>
/// <param name="FalseNegatives">Positives left unflagged.</param>
public sealed record BinaryConfusion(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>Number of samples.</summary>
    public long Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>TP / (TP + FP): the share of flagged samples that are positive.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN): the share of positives that are flagged (true positive rate).</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall, 2 TP / (2 TP + FP + FN).</summary>
    public double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>FP / (FP + TN): the share of negatives that are flagged.</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>(TP + TN) / count.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Count);

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0.0 : (double)numerator / denominator;
}
