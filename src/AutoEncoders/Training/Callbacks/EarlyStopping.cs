namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Stops the run when the monitored value (validation loss, else training loss) has not improved by
/// <see cref="EarlyStoppingOptions.MinDelta"/> for <see cref="EarlyStoppingOptions.Patience"/> epochs (Keras's
/// EarlyStopping). Its best value and patience counter are kept in checkpoints, so a resumed run stops at the same
/// epoch as an uninterrupted one.
/// </summary>
public sealed class EarlyStopping(EarlyStoppingOptions options) : ITrainingCallback
{
    private double _best = double.PositiveInfinity;
    private int _bestEpoch;
    private int _wait;

    /// <summary>The settings.</summary>
    public EarlyStoppingOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement => _wait;

    /// <inheritdoc />
    public string? StateName => "early_stopping";

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (trainer.Epoch == 0 && trainer.Step == 0)
        {
            (_best, _bestEpoch, _wait) = (double.PositiveInfinity, 0, 0);
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Monitored < _best - Options.MinDelta)
        {
            (_best, _bestEpoch, _wait) = (record.Monitored, record.Epoch, 0);
            return;
        }

        if (++_wait < Options.Patience)
        {
            return;
        }

        string metric = record.Validation is null ? "loss" : "val_loss";
        trainer.RequestStop($"Early stopping after epoch {record.Epoch}: {metric} has not improved for {Options.Patience} epochs; best {_best:G6} at epoch {_bestEpoch}{(Options.RestoreBestWeights ? " (weights restored)" : string.Empty)}.");
    }

    /// <inheritdoc />
    public CallbackState SaveState() => new() { Numbers = new() { ["best"] = _best, ["best_epoch"] = _bestEpoch, ["wait"] = _wait } };

    /// <inheritdoc />
    public void LoadState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Number("best", double.PositiveInfinity);
        _bestEpoch = (int)state.Number("best_epoch", 0);
        _wait = (int)state.Number("wait", 0);
    }
}
