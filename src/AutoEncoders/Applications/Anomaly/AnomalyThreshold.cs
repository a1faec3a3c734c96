using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Batched scoring, threshold calibration and scoring reports shared by <see cref="ReconstructionAnomalyDetector"/> and
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

    /// <summary>
    /// Per-sample scores of <paramref name="samples"/> from <paramref name="model"/> in evaluation mode without
    /// gradients, <paramref name="batchSize"/> samples at a time: <paramref name="scoreBatch"/> maps a batch (on the
    /// model's device) to its scores, which are gathered on the CPU; <paramref name="empty"/> gives the result for
    /// no samples. The model's training mode is restored.
    /// </summary>
    public static Tensor ScoreInBatches(nn.Module model, Tensor samples, int batchSize, Func<Tensor, Tensor> scoreBatch, Func<Tensor> empty)
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
}
