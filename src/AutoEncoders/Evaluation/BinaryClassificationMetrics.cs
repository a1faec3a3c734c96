namespace AutoEncoders.Evaluation;

/// <summary>
/// Metrics of a scorer that ranks samples (higher score = more likely positive, e.g. a reconstruction error ranking
/// anomalies) against true binary labels: ROC-AUC, PR-AUC (average precision) and the confusion at a threshold.
/// The definitions follow scikit-learn's roc_auc_score, average_precision_score and precision_recall_fscore_support.
/// </summary>
public static class BinaryClassificationMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (the Mann-Whitney U statistic divided by P N, computed from average ranks).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one class is absent (the AUC is undefined).</exception>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        (long positives, long negatives) = Check(scores, labels, "ROC-AUC");
        int n = scores.Count;
        int[] order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            // Ranks are 1-based; tied scores share the mean of the ranks they span.
            double averageRank = ((start + end) / 2.0) + 1.0;
            for (int k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    positiveRankSum += averageRank;
                }
            }

            start = end + 1;
        }

        double u = positiveRankSum - (positives * (positives + 1) / 2.0);
        return u / ((double)positives * negatives);
    }

    /// <summary>
    /// Area under the precision-recall curve as average precision, AP = sum_n (R_n - R_{n-1}) P_n over the distinct
    /// score thresholds from the highest down (no interpolation; tied scores enter together).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one class is absent.</exception>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        (long positives, _) = Check(scores, labels, "average precision");
        int n = scores.Count;
        int[] order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ToArray();
        long truePositives = 0, flagged = 0;
        double previousRecall = 0, sum = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            for (int k = start; k <= end; k++)
            {
                flagged++;
                if (labels[order[k]])
                {
                    truePositives++;
                }
            }

            double recall = (double)truePositives / positives;
            double precision = (double)truePositives / flagged;
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
            start = end + 1;
        }

        return sum;
    }

    /// <summary>The confusion counts when samples scoring strictly above <paramref name="threshold"/> are flagged positive.</summary>
    /// <exception cref="ArgumentException">Lengths differ or a score is NaN.</exception>
    public static BinaryConfusion AtThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold)
    {
        CheckLengths(scores, labels);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool flagged = scores[i] > threshold;
            if (flagged && labels[i])
            {
                tp++;
            }
            else if (flagged)
            {
                fp++;
            }
            else if (labels[i])
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new BinaryConfusion(tp, fp, tn, fn);
    }

    private static void CheckLengths(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count)
        {
            throw new ArgumentException($"Expected one label per score; found {scores.Count} scores and {labels.Count} labels.", nameof(labels));
        }

        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException($"Score {i} is NaN; scores must be numbers (check the model's output for non-finite values).", nameof(scores));
            }
        }
    }

    private static (long Positives, long Negatives) Check(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, string metric)
    {
        CheckLengths(scores, labels);
        long positives = labels.Count(l => l);
        long negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"{metric} needs both classes; the labels hold {positives} positives and {negatives} negatives. Evaluate on a set with normal and anomalous samples.",
                nameof(labels));
        }

        return (positives, negatives);
    }
}
