namespace AutoEncoders.Training;

/// <summary>Where an epoch is after a batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchesPerEpoch">Batches in the epoch.</param>
/// <param name="RunningMeans">Mean of each metric over the epoch's batches so far.</param>
/// <param name="SamplesPerSecond">Training throughput so far this epoch.</param>
public sealed record BatchProgress(int Epoch, long Batch, long BatchesPerEpoch, IReadOnlyDictionary<string, double> RunningMeans, double SamplesPerSecond);
