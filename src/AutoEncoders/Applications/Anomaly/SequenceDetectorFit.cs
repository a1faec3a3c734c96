using AutoEncoders.Training;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>What <see cref="SequenceAnomalyDetector.Train"/> returns: the detector (no threshold yet) and what to set one from.</summary>
/// <param name="Detector">The trained detector; the caller disposes it.</param>
/// <param name="Options">The options with every size resolved from the data.</param>
/// <param name="History">Per-epoch training and held-out losses.</param>
/// <param name="TrainingScores">Scores of the training series, each left out of its own neighbours (for a contamination threshold).</param>
/// <param name="HeldOutScores">Scores of the held-out series (for a percentile or false-positive-rate threshold).</param>
public sealed record SequenceDetectorFit(
    SequenceAnomalyDetector Detector,
    SequenceDetectorOptions Options,
    TrainingHistory History,
    IReadOnlyList<double> TrainingScores,
    IReadOnlyList<double> HeldOutScores);
