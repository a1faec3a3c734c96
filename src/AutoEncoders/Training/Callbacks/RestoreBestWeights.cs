using static TorchSharp.torch;

namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Keeps a copy of the weights of the epoch with the best monitored value (an improvement by more than
/// <see cref="MinDelta"/>) and puts them back when training ends without interruption (Keras's
/// <c>restore_best_weights</c>). The copy and the best value are kept in checkpoints.
/// </summary>
public sealed class RestoreBestWeights(double minDelta = 0) : ITrainingCallback, IDisposable
{
    private double _best = double.PositiveInfinity;
    private Dictionary<string, Tensor>? _weights;

    /// <summary>Smallest decrease that counts as an improvement.</summary>
    public double MinDelta { get; } = minDelta;

    /// <inheritdoc />
    public string? StateName => "best_weights";

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (trainer.Epoch == 0 && trainer.Step == 0)
        {
            _best = double.PositiveInfinity;
            Replace(null);
        }
    }

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Monitored < _best - MinDelta)
        {
            _best = record.Monitored;
            Replace(trainer.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone()));
        }
    }

    /// <inheritdoc />
    public void OnTrainEnd(Trainer trainer, TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(history);
        if (!history.Interrupted && _weights is not null)
        {
            trainer.Model.load_state_dict(_weights);
        }
    }

    /// <inheritdoc />
    public CallbackState SaveState() => new() { Numbers = new() { ["best"] = _best }, Tensors = _weights is null ? [] : new(_weights) };

    /// <inheritdoc />
    public void LoadState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Number("best", double.PositiveInfinity);
        Replace(state.Tensors.Count == 0 ? null : new(state.Tensors));
    }

    /// <summary>Releases the saved weights.</summary>
    public void Dispose() => Replace(null);

    private void Replace(Dictionary<string, Tensor>? weights)
    {
        foreach (Tensor t in _weights?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.Dispose();
        }

        _weights = weights;
        foreach (Tensor t in weights?.Values ?? Enumerable.Empty<Tensor>())
        {
            t.DetachFromDisposeScope();
        }
    }
}
