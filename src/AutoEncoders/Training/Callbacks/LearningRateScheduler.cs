namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Sets the next epoch's learning rate from a <see cref="LearningRateSchedule"/> after every epoch (Keras's
/// LearningRateScheduler and ReduceLROnPlateau); what the schedule remembers (a plateau's best value and counters)
/// is kept in checkpoints.
/// </summary>
public sealed class LearningRateScheduler(LearningRateSchedule schedule) : ITrainingCallback
{
    private Dictionary<string, double> _state = [];

    /// <summary>The schedule.</summary>
    public LearningRateSchedule Schedule { get; } = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <inheritdoc />
    public string? StateName => "schedule";

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (trainer.Epoch == 0 && trainer.Step == 0)
        {
            _state = [];
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        trainer.LearningRate = Schedule.RateAfter(trainer.Epoch, trainer.Options.Epochs, trainer.Options.Optimizer.LearningRate, trainer.LearningRate, record.Monitored, _state);
    }

    /// <inheritdoc />
    public CallbackState SaveState() => new() { Numbers = new(_state) };

    /// <inheritdoc />
    public void LoadState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = new(state.Numbers);
    }
}
