using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>The trainer's bookkeeping, enough (with the tensors of a checkpoint) to resume a run exactly.</summary>
internal sealed record TrainerState
{
    /// <summary>Zero-based epoch in progress (or next to run).</summary>
    public int Epoch { get; set; }

    /// <summary>Batches of that epoch already done.</summary>
    public int Batch { get; set; }

    /// <summary>Optimisation steps done.</summary>
    public long Step { get; set; }

    /// <summary>Rate of the epoch in progress.</summary>
    public double LearningRate { get; set; }

    /// <summary>The optimiser's configured rate the schedule starts from.</summary>
    public double BaseLearningRate { get; set; }

    /// <summary>Sample-weighted sums of the metrics over the epoch's batches so far.</summary>
    public double[]? Sums { get; set; }

    /// <summary>Samples seen this epoch.</summary>
    public long Samples { get; set; }

    /// <summary>Training seconds spent this epoch.</summary>
    public double Seconds { get; set; }

    /// <summary>The blocks of a streamed file the batches are drawn from (<see cref="Data.Streaming.StreamingDataset.BatchOrder"/>); null for data in memory.</summary>
    public string? BatchOrder { get; set; }

    /// <summary>History so far (filled in when writing a checkpoint).</summary>
    public TrainingHistory? History { get; set; }

    /// <summary>The shuffle generator's state at the start of the epoch, to replay its permutation.</summary>
    [JsonIgnore]
    public Tensor? ShuffleState { get; set; }

    /// <summary>
    /// A resume asked for another base learning rate (e.g. after a non-finite loss): the scheduled rate keeps its place
    /// in the schedule, scaled to the new base.
    /// </summary>
    public void Rebase(double baseRate)
    {
        if (BaseLearningRate != baseRate)
        {
            LearningRate *= baseRate / BaseLearningRate;
            BaseLearningRate = baseRate;
        }
    }
}
