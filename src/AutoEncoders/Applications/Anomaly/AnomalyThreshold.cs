using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Thresholds, batched scoring and scoring reports shared by the anomaly detectors (tables, images, series). A
/// threshold comes from one of three rules, each with the false-positive rate it implies on held-out normal samples:
/// a percentile of held-out normal scores, a target false-positive rate on them, or PyOD's contamination convention
/// (the (1 − rate) quantile of the training scores, for when about that share of the training data is anomalous).
/// </summary>
public static class AnomalyThreshold
{
    /// <summary>
    /// The threshold that flags a share <paramref name="contamination"/> of <paramref name="trainingScores"/>: their
    /// (1 − rate) quantile (PyOD's <c>contamination</c>; linear interpolation between order statistics).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside (0, 0.5].</exception>
    public static double FromContamination(IReadOnlyList<double> trainingScores, double contamination)
    {
        ArgumentNullException.ThrowIfNull(trainingScores);
        if (contamination is not (> 0 and <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(contamination), contamination, "The contamination must lie in (0, 0.5] (PyOD's range): the share of training samples expected to be anomalous.");
        }

        return Percentile.Of(trainingScores, 100 * (1 - contamination));
    }

    /// <summary>The threshold that flags a share <paramref name="falsePositiveRate"/> of held-out normal scores: their (1 − rate) quantile.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside (0, 1).</exception>
    public static double FromFalsePositiveRate(IReadOnlyList<double> normalScores, double falsePositiveRate)
    {
        ArgumentNullException.ThrowIfNull(normalScores);
        if (falsePositiveRate is not (> 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "The target false-positive rate must lie strictly between 0 and 1.");
        }

        return Percentile.Of(normalScores, 100 * (1 - falsePositiveRate));
    }

    /// <summary>Share of <paramref name="normalScores"/> strictly above <paramref name="threshold"/>: the false-positive rate it implies on them (NaN for none).</summary>
    public static double ImpliedFalsePositiveRate(IReadOnlyList<double> normalScores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(normalScores);
        return normalScores.Count == 0 ? double.NaN : normalScores.Count(s => s > threshold) / (double)normalScores.Count;
    }

    /// <summary>
    /// One threshold from at most one of the three rules (<paramref name="percentile"/> of held-out normal scores, the
    /// default 99 when none is given; a target <paramref name="falsePositiveRate"/> on them; or a
    /// <paramref name="contamination"/> of the training scores), with its rule in words and the false-positive rate
    /// it implies on <paramref name="heldOutNormalScores"/> (the training scores when none are held out).
    /// </summary>
    /// <exception cref="ArgumentException">More than one rule, or a rule that needs scores it was not given.</exception>
    public static ChosenThreshold Choose(IReadOnlyList<double> trainingScores, IReadOnlyList<double> heldOutNormalScores, double? percentile = null, double? falsePositiveRate = null, double? contamination = null)
    {
        ArgumentNullException.ThrowIfNull(trainingScores);
        ArgumentNullException.ThrowIfNull(heldOutNormalScores);
        if ((percentile is null ? 0 : 1) + (falsePositiveRate is null ? 0 : 1) + (contamination is null ? 0 : 1) > 1)
        {
            throw new ArgumentException("Give one threshold rule: a percentile, a false-positive rate or a contamination, not several.");
        }

        IReadOnlyList<double> normal = heldOutNormalScores.Count > 0 ? heldOutNormalScores : trainingScores;
        string where = heldOutNormalScores.Count > 0 ? $"{heldOutNormalScores.Count} held-out normal samples" : $"{trainingScores.Count} training samples";
        (double value, string rule) = (falsePositiveRate, contamination) switch
        {
            (double rate, _) => (FromFalsePositiveRate(normal, rate), F($"false-positive rate {rate} on {where}")),
            (_, double share) => (FromContamination(trainingScores, share), F($"contamination {share}: the {100 * (1 - share):0.###}th percentile of {trainingScores.Count} training scores")),
            _ => (Calibrate(normal, percentile ?? 99), F($"percentile {percentile ?? 99} of {where}")),
        };
        return new ChosenThreshold(value, rule, ImpliedFalsePositiveRate(normal, value), where);
    }

    /// <summary>The <paramref name="percentile"/>-th percentile of <paramref name="normalScores"/> (in [0, 100]).</summary>
    public static double Calibrate(IReadOnlyList<double> normalScores, double percentile)
    {
        ArgumentNullException.ThrowIfNull(normalScores);
        if (normalScores.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one normal score; there are none.", nameof(normalScores));
        }

        if (percentile is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The percentile must lie between 0 and 100.");
        }

        return Percentile.Of(normalScores, percentile);
    }

    /// <summary>
    /// The <paramref name="percentile"/>-th percentile of the scores <paramref name="score"/> gives
    /// <paramref name="normalSamples"/>; <paramref name="noun"/> names one sample in the error messages and
    /// <paramref name="paramName"/> the caller's argument.
    /// </summary>
    internal static double Calibrate(Tensor normalSamples, double percentile, Func<Tensor, double[]> score, string noun, string paramName)
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
    internal static double Require(double? threshold, string howToSet) => threshold ??
        throw new InvalidOperationException($"The detector has no threshold yet: {howToSet}, or set Threshold.");

    /// <summary>
    /// Per-sample scores of <paramref name="samples"/> from <paramref name="model"/> in evaluation mode without
    /// gradients, <paramref name="batchSize"/> samples at a time: <paramref name="scoreBatch"/> maps a batch (on the
    /// model's device) to its scores, which are gathered on the CPU; <paramref name="empty"/> gives the result for
    /// no samples. The model's training mode is restored.
    /// </summary>
    internal static Tensor ScoreInBatches(nn.Module model, Tensor samples, int batchSize, Func<Tensor, Tensor> scoreBatch, Func<Tensor> empty)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            Device device = model.parameters().First().device;
            var parts = new List<Tensor>();
            long n = samples.shape[0];
            for (long start = 0; start < n; start += batchSize)
            {
                long size = Math.Min(batchSize, n - start);
                parts.Add(scoreBatch(samples.narrow(0, start, size).to(device)).cpu());
            }

            return (parts.Count == 0 ? empty() : torch.cat(parts)).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static string F(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
