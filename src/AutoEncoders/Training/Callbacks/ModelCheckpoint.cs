namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Writes the trainer's checkpoint to <see cref="Path"/> every <see cref="Every"/> epochs and after the last one
/// (Keras's ModelCheckpoint, with the whole training state). It runs after every other callback, so the checkpoint
/// holds their state for the epoch; an epoch after which a callback stopped the run is not written.
/// </summary>
public sealed class ModelCheckpoint(string path, int every = 1) : ITrainingCallback
{
    /// <summary>The checkpoint file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>Epochs between checkpoints.</summary>
    public int Every { get; } = every >= 1 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "at least 1");

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (!trainer.StopRequested && (trainer.Epoch % Every == 0 || trainer.Epoch == trainer.Options.Epochs))
        {
            trainer.SaveCheckpoint(Path);
        }
    }
}
