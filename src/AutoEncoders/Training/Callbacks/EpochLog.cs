namespace AutoEncoders.Training.Callbacks;

/// <summary>Hands one line per finished epoch to <see cref="Log"/>, as <see cref="Format"/> writes it (for callers that collect lines rather than a console).</summary>
public sealed class EpochLog(Action<string> log, Func<EpochRecord, int, string> format) : ITrainingCallback
{
    /// <summary>Receives each line.</summary>
    public Action<string> Log { get; } = log ?? throw new ArgumentNullException(nameof(log));

    /// <summary>The line of an epoch, given its record and the epochs of the run.</summary>
    public Func<EpochRecord, int, string> Format { get; } = format ?? throw new ArgumentNullException(nameof(format));

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        Log(Format(record, trainer.Options.Epochs));
    }
}
