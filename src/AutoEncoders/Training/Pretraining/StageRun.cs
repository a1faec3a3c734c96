namespace AutoEncoders.Training.Pretraining;

/// <summary>What a caller adds to the training of one pretraining stage: callbacks, a checkpoint, a resume, a cancellation.</summary>
public sealed record StageRun
{
    /// <summary>Callbacks added to the stage's trainer after those its options ask for.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Where the stage's checkpoints are written, or null.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>A checkpoint of this stage to continue from exactly, or null.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Stops the stage after the current batch (a checkpoint is written when a path is set).</summary>
    public CancellationToken Cancellation { get; init; }
}
