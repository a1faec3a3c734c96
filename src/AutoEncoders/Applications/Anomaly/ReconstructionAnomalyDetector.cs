using System.Globalization;
using System.Text;
using AutoEncoders.Models;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Flags anomalous samples (table rows or images) by how badly an autoencoder trained on normal data reconstructs
/// them: per-feature squared errors (x − x̂)², and a total score, their mean. The threshold is a percentile of the
/// scores of held-out normal samples, or the score that flags a target share of them (false-positive rate).
/// </summary>
public sealed class ReconstructionAnomalyDetector
{
    /// <summary>Wraps a model trained on normal samples.</summary>
    public ReconstructionAnomalyDetector(Autoencoder model, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Model = model;
        BatchSize = batchSize;
    }

    /// <summary>The autoencoder whose reconstruction errors are the scores.</summary>
    public Autoencoder Model { get; }

    /// <summary>Samples per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>The score above which a sample is anomalous; set by a calibration or directly.</summary>
    public double? Threshold { get; set; }

    /// <summary>Per-feature squared errors [N, F] (samples flattened), on the CPU, computed in evaluation mode.</summary>
    public Tensor FeatureScores(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return AnomalyThreshold.ScoreInBatches(Model, samples, BatchSize, batch =>
        {
            Tensor x = batch.to_type(ScalarType.Float32);
            return (x - Model.Reconstruct(x)).square().reshape(x.shape[0], -1);
        }, () => torch.zeros(0, samples.numel() / Math.Max(1, samples.shape[0])));
    }

    /// <summary>One score per sample: the mean of its per-feature squared errors.</summary>
    public double[] Score(Tensor samples)
    {
        using Tensor features = FeatureScores(samples);
        return Totals(features);
    }

    /// <summary>Totals of per-feature scores [N, F]: their mean per row.</summary>
    public static double[] Totals(Tensor featureScores)
    {
        ArgumentNullException.ThrowIfNull(featureScores);
        using var scope = torch.NewDisposeScope();
        return featureScores.mean([1]).to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> to the <paramref name="percentile"/>-th percentile of the scores of normal samples
    /// the model did not train on, so about (100 − percentile)% of normal samples are flagged.
    /// </summary>
    public double CalibratePercentile(Tensor normalSamples, double percentile = 99.0)
    {
        Threshold = AnomalyThreshold.Calibrate(normalSamples, percentile, Score, "sample", nameof(normalSamples));
        return Threshold.Value;
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> so that a share <paramref name="falsePositiveRate"/> of held-out normal samples
    /// score above it (the (1 − rate) quantile of their scores).
    /// </summary>
    public double CalibrateFalsePositiveRate(Tensor normalSamples, double falsePositiveRate)
    {
        if (falsePositiveRate is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "The target false-positive rate must lie strictly between 0 and 1.");
        }

        return CalibratePercentile(normalSamples, 100 * (1 - falsePositiveRate));
    }

    /// <summary>True for each sample scoring above <see cref="Threshold"/>.</summary>
    public bool[] Detect(Tensor samples)
    {
        double threshold = RequireThreshold();
        return [.. Score(samples).Select(s => s > threshold)];
    }

    /// <summary>Precision, recall, F1 at the threshold, ROC-AUC and PR-AUC of <paramref name="scores"/> against labels (true = anomaly).</summary>
    public AnomalyDetectionReport EvaluateScores(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(isAnomaly);
        return AnomalyThreshold.Report(RequireThreshold(), scores, isAnomaly);
    }

    /// <summary>Scores labelled samples and reports how well the scores separate the anomalies.</summary>
    public AnomalyDetectionReport Evaluate(Tensor samples, IReadOnlyList<bool> isAnomaly) => EvaluateScores(Score(samples), isAnomaly);

    /// <summary>
    /// Writes one row per sample to CSV (atomically): index, score, the anomaly label when known, whether it is
    /// flagged, the score's standardised parts when given (<c>score_reconstruction</c>, <c>score_latent_knn</c>,
    /// <c>score_input_knn</c>, <c>score_nearest</c>, <c>score_rank_gauss_knn</c>, those present), then the per-feature errors named <c>error_&lt;feature&gt;</c> when given.
    /// </summary>
    public static void WriteScores(string path, IReadOnlyList<double> scores, double? threshold, IReadOnlyList<bool>? isAnomaly = null, Tensor? featureScores = null, IReadOnlyList<string>? featureNames = null, AnomalyScoreParts? parts = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        float[]? features = featureScores?.to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        int width = featureScores is null ? 0 : (int)featureScores.shape[1];
        (string Name, double[]? Values)[] partColumns = parts is null ? [] :
            [.. new[] { ("score_reconstruction", parts.Reconstruction), ("score_latent_knn", parts.LatentNeighbours), ("score_input_knn", parts.InputNeighbours), ("score_nearest", parts.Nearest), ("score_rank_gauss_knn", parts.RankGaussNeighbours) }.Where(p => p.Item2 is not null)];
        var text = new StringBuilder("index,score");
        text.Append(isAnomaly is null ? "" : ",anomaly").Append(threshold is null ? "" : ",flagged");
        foreach ((string name, _) in partColumns)
        {
            text.Append(',').Append(name);
        }

        for (int f = 0; f < width; f++)
        {
            text.Append(",error_").Append(featureNames is null ? f.ToString(CultureInfo.InvariantCulture) : featureNames[f]);
        }

        text.Append('\n');
        for (int i = 0; i < scores.Count; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').Append(scores[i].ToString("R", CultureInfo.InvariantCulture));
            if (isAnomaly is not null)
            {
                text.Append(isAnomaly[i] ? ",1" : ",0");
            }

            if (threshold is double t)
            {
                text.Append(scores[i] > t ? ",1" : ",0");
            }

            foreach ((_, double[]? values) in partColumns)
            {
                text.Append(',').Append(values![i].ToString("R", CultureInfo.InvariantCulture));
            }

            for (int f = 0; f < width; f++)
            {
                text.Append(',').Append(features![(i * width) + f].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private double RequireThreshold() => AnomalyThreshold.Require(Threshold, "calibrate it on held-out normal samples");
}
