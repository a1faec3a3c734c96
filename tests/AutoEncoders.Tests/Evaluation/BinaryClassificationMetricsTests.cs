using AutoEncoders.Evaluation;

namespace AutoEncoders.Tests.Evaluation;

public sealed class BinaryClassificationMetricsTests
{
    // scikit-learn's documented example: roc_auc_score = 0.75, average_precision_score = 0.8333.
    private static readonly double[] Scores = [0.1, 0.4, 0.35, 0.8];
    private static readonly bool[] Labels = [false, false, true, true];

    [Fact]
    public void Roc_auc_matches_the_hand_computed_pair_count()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats one, 0.8 beats both: 3 of 4 pairs.
        Assert.Equal(0.75, BinaryClassificationMetrics.RocAuc(Scores, Labels), 12);

        // A tie between a positive and a negative counts one half: (0.5 + 1 + 1 + 1) / 4.
        Assert.Equal(0.875, BinaryClassificationMetrics.RocAuc([0.5, 0.5, 0.2, 0.9], [true, false, false, true]), 12);
        Assert.Equal(1.0, BinaryClassificationMetrics.RocAuc([1, 2, 3], [false, true, true]), 12);
        Assert.Equal(0.0, BinaryClassificationMetrics.RocAuc([1, 2, 3], [true, false, false]), 12);
    }

    [Fact]
    public void Average_precision_matches_the_hand_computed_sum()
    {
        // From the top: 0.8 (pos) recall 1/2 precision 1; 0.4 (neg); 0.35 (pos) recall 1, precision 2/3.
        // AP = 0.5 * 1 + 0.5 * 2/3.
        Assert.Equal(0.5 + (0.5 * 2 / 3.0), BinaryClassificationMetrics.AveragePrecision(Scores, Labels), 12);

        // Tied scores enter together: 0.9 (pos) gives recall 1/2 at precision 1, the two 0.5s recall 1 at precision 2/3.
        Assert.Equal(0.5 + (0.5 * 2 / 3.0), BinaryClassificationMetrics.AveragePrecision([0.5, 0.5, 0.2, 0.9], [true, false, false, true]), 12);
    }

    [Fact]
    public void Confusion_at_a_threshold_counts_scores_strictly_above_it()
    {
        BinaryConfusion c = BinaryClassificationMetrics.AtThreshold(Scores, Labels, threshold: 0.35);

        // Flagged: 0.4 (neg) and 0.8 (pos); 0.35 equals the threshold and is not flagged.
        Assert.Equal(new BinaryConfusion(TruePositives: 1, FalsePositives: 1, TrueNegatives: 1, FalseNegatives: 1), c);
        Assert.Equal(0.5, c.Precision);
        Assert.Equal(0.5, c.Recall);
        Assert.Equal(0.5, c.F1);
        Assert.Equal(0.5, c.FalsePositiveRate);
        Assert.Equal(0.5, c.Accuracy);

        BinaryConfusion strict = BinaryClassificationMetrics.AtThreshold([0.9, 0.8, 0.7, 0.1, 0.2], [true, true, false, true, false], threshold: 0.75);
        Assert.Equal(1.0, strict.Precision);
        Assert.Equal(2 / 3.0, strict.Recall, 12);
        Assert.Equal(0.8, strict.F1, 12);

        // Nothing flagged: precision is 0 by convention rather than NaN.
        BinaryConfusion none = BinaryClassificationMetrics.AtThreshold(Scores, Labels, threshold: 10);
        Assert.Equal(0.0, none.Precision);
        Assert.Equal(0.0, none.F1);
    }

    [Fact]
    public void Metrics_refuse_a_single_class_mismatched_lengths_and_nan()
    {
        Assert.Contains("needs both classes", Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.RocAuc([1, 2], [true, true])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.AveragePrecision([1, 2], [false, false]));
        Assert.Contains("2 scores and 3 labels", Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.AtThreshold([1, 2], [true, false, true], 0)).Message, StringComparison.Ordinal);
        Assert.Contains("Score 1 is NaN", Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.RocAuc([1, double.NaN], [true, false])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Percentile_interpolates_linearly_like_numpy()
    {
        // numpy.percentile([1, 2, 3, 4], 90) = 3.7; ([1, 3, 2, 4], 50) = 2.5.
        Assert.Equal(3.7, Percentile.Of([1, 2, 3, 4], 90), 12);
        Assert.Equal(2.5, Percentile.Of([1, 3, 2, 4], 50), 12);
        Assert.Equal(1.0, Percentile.Of([4, 1, 3], 0));
        Assert.Equal(4.0, Percentile.Of([4, 1, 3], 100));
        Assert.Equal(5.0, Percentile.Of([5], 37));
        Assert.Throws<ArgumentException>(() => Percentile.Of([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of([1], 101));
    }
}
