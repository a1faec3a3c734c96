using AutoEncoders.Models.Convolutional;

namespace AutoEncoders.Training.Pretraining;

/// <summary>What layer-wise pretraining of a stacked convolutional autoencoder produced: the deep model and every stage's history.</summary>
public sealed record ConvolutionalPretrainingResult
{
    /// <summary>The deep autoencoder (owned by the caller; dispose it).</summary>
    public required ConvolutionalAutoencoder Model { get; init; }

    /// <summary>Its configuration (stage encoders in order, stage decoders in reverse order).</summary>
    public required ConvolutionalAutoencoderConfig Config { get; init; }

    /// <summary>One history per stage, outermost first.</summary>
    public required IReadOnlyList<TrainingHistory> StageHistories { get; init; }

    /// <summary>The end-to-end fine-tuning history, or null when none was asked for.</summary>
    public TrainingHistory? FineTuneHistory { get; init; }
}
