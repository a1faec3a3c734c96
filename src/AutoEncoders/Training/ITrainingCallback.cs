namespace AutoEncoders.Training;

/// <summary>
/// Hooks into the training loop (Keras's callbacks, Lightning's <c>Callback</c>). Each sees the trainer (its model,
/// step, options, history, learning rate), can stop the run (<see cref="Trainer.RequestStop"/>) and, with a
/// <see cref="StateName"/>, keeps its own state in checkpoints so that a resumed run behaves exactly as an
/// uninterrupted one. Every method has an empty default.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>
    /// The name under which checkpoints keep this callback's state, or null for a callback without state. A
    /// checkpoint without an entry for it leaves it as new (a callback added on resume).
    /// </summary>
    string? StateName => null;

    /// <summary>Before the first epoch (also when resuming, after the checkpoint is loaded).</summary>
    void OnTrainBegin(Trainer trainer)
    {
    }

    /// <summary>Before each epoch's first batch (also a resumed epoch's).</summary>
    void OnEpochBegin(Trainer trainer)
    {
    }

    /// <summary>After every training batch, with the running means of the epoch so far.</summary>
    void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
    }

    /// <summary>After an epoch and its validation; callbacks run in order, so later ones see what earlier ones did.</summary>
    void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
    }

    /// <summary>After the last epoch, a requested stop or an interruption (<see cref="TrainingHistory.Interrupted"/>).</summary>
    void OnTrainEnd(Trainer trainer, TrainingHistory history)
    {
    }

    /// <summary>This callback's state for a checkpoint (Lightning's <c>state_dict</c>).</summary>
    CallbackState SaveState() => new();

    /// <summary>Restores what <see cref="SaveState"/> returned.</summary>
    void LoadState(CallbackState state)
    {
    }
}
