using AutoEncoders.Models.Dense;

namespace AutoEncoders.Training.Pretraining;

/// <summary>What greedy layer-wise pretraining produced: the assembled deep autoencoder and every stage's history.</summary>
public sealed record LayerwisePretrainingResult
{
    /// <summary>The deep autoencoder (owned by the caller; dispose it).</summary>
    public required DenseAutoencoder Model { get; init; }

    /// <summary>Its configuration.</summary>
    public required DenseAutoencoderConfig Config { get; init; }

    /// <summary>One history per pretrained layer, outermost first.</summary>
    public required IReadOnlyList<TrainingHistory> LayerHistories { get; init; }

    /// <summary>The end-to-end fine-tuning history, or null when none was asked for.</summary>
    public TrainingHistory? FineTuneHistory { get; init; }
}
