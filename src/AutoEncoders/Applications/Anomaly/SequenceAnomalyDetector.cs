using AutoEncoders.Models.Sequence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Flags anomalous series by how badly a <see cref="SequenceAutoencoder"/> trained on normal series reconstructs
/// them (Malhotra et al., 2016): each series is scored by its per-step squared errors, the threshold is a
/// percentile of the scores of held-out normal series, and series scoring above it are anomalies.
/// </summary>
public sealed class SequenceAnomalyDetector
{
    /// <summary>Wraps a model trained on normal series.</summary>
    public SequenceAnomalyDetector(SequenceAutoencoder model, StepErrorAggregation aggregation = StepErrorAggregation.Mean, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Model = model;
        Aggregation = aggregation;
        BatchSize = batchSize;
    }

    /// <summary>The autoencoder whose reconstruction errors are the scores.</summary>
    public SequenceAutoencoder Model { get; }

    /// <summary>How step errors become a series score.</summary>
    public StepErrorAggregation Aggregation { get; }

    /// <summary>Series scored per forward pass.</summary>
    public int BatchSize { get; }

    /// <summary>The score above which a series is anomalous; set by <see cref="Calibrate"/> or directly.</summary>
    public double? Threshold { get; set; }

    /// <summary>Per-step errors [N, T] (mean squared error over the features), on the CPU, in evaluation mode.</summary>
    public Tensor StepScores(Tensor series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return AnomalyThreshold.ScoreInBatches(Model, series, BatchSize, Model.StepErrors, () => torch.zeros(0, Model.Config.InputShape[0]));
    }

    /// <summary>One anomaly score per series: the mean or largest of its step errors.</summary>
    public double[] Score(Tensor series)
    {
        using Tensor steps = StepScores(series);
        using Tensor scores = Aggregation == StepErrorAggregation.Max ? steps.amax([1]) : steps.mean([1]);
        using Tensor doubles = scores.to_type(ScalarType.Float64);
        return doubles.data<double>().ToArray();
    }

    /// <summary>
    /// Sets <see cref="Threshold"/> to the <paramref name="percentile"/>-th percentile of the scores of
    /// <paramref name="normalSeries"/> (normal series the model did not train on), so about (100 - percentile)% of
    /// normal series are flagged.
    /// </summary>
    /// <returns>The threshold.</returns>
    public double Calibrate(Tensor normalSeries, double percentile = 99.0)
    {
        double threshold = AnomalyThreshold.Calibrate(normalSeries, percentile, Score, "series", nameof(normalSeries));
        Threshold = threshold;
        return threshold;
    }

    /// <summary>True for each series whose score is above <see cref="Threshold"/>.</summary>
    public bool[] Detect(Tensor series) => Score(series).Select(s => s > RequireThreshold()).ToArray();

    /// <summary>Scores labelled series (true or 1 = anomaly) and reports precision, recall, F1 at the threshold, ROC-AUC and PR-AUC.</summary>
    public AnomalyDetectionReport Evaluate(Tensor series, IReadOnlyList<bool> isAnomaly)
    {
        ArgumentNullException.ThrowIfNull(isAnomaly);
        double threshold = RequireThreshold();
        return AnomalyThreshold.Report(threshold, Score(series), isAnomaly);
    }

    private double RequireThreshold() => AnomalyThreshold.Require(Threshold, "call Calibrate with held-out normal series");
}
