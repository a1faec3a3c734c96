using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// Penalises the distance between each unit's mean activation rho_hat_j and a target rho (Ng, "Sparse
/// autoencoder", CS294A notes). rho_hat is the mini-batch mean or, with <see cref="RunningMean"/> = lambda, the
/// running estimate rho_hat_t = lambda * rho_hat_{t-1} + (1 - lambda) * batch_mean, where the gradient flows
/// through the current batch's share only. Needs activations in (0, 1) (sigmoid units).
/// </summary>
public abstract class SparsityTargetPenalty : LossTerm
{
    private readonly Dictionary<int, Tensor> _running = [];

    /// <summary>Target mean activation rho, e.g. 0.05.</summary>
    public double Target { get; init; } = 0.05;

    /// <summary>lambda of the running mean across mini-batches, in [0, 1); null uses the batch mean alone.</summary>
    public double? RunningMean { get; init; }

    /// <summary>Encoder layers to penalise (negative indices count from the end; -1 is the code layer).</summary>
    public IReadOnlyList<int> Layers { get; init; } = [-1];

    /// <summary>The divergence between target and estimate, summed over units.</summary>
    protected abstract Tensor Divergence(double rho, Tensor rhoHat);

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Target is <= 0 or >= 1)
        {
            throw new ArgumentException($"{Name}: target must lie strictly between 0 and 1; found {Target}.");
        }

        if (RunningMean is double l && (l < 0 || l >= 1))
        {
            throw new ArgumentException($"{Name}: runningMean (lambda) must lie in [0, 1); found {l}.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros([], device: context.Target.device);
        foreach (int layer in Layers)
        {
            HiddenActivation hidden = context.Output.Layer(layer);
            if (hidden.Activation is not Activation.Sigmoid)
            {
                throw new InvalidOperationException(
                    $"{Name} needs activations in (0, 1) on layer {hidden.Name}, which uses {ActivationFunction.Name(hidden.Activation)}; give that layer a sigmoid activation.");
            }

            Tensor rhoHat = EstimateMean(layer, hidden.Output.reshape(hidden.Output.shape[0], -1), context.Training);
            total = total + Divergence(Target, rhoHat);
        }

        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The running estimate for a layer (for plots and tests), or null before the first training batch.</summary>
    public Tensor? RunningEstimate(int layer) => _running.GetValueOrDefault(layer);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> SaveState() =>
        _running.ToDictionary(p => $"layer{p.Key}", p => p.Value);

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ResetState();
        foreach ((string key, Tensor value) in state)
        {
            _running[int.Parse(key["layer".Length..], System.Globalization.CultureInfo.InvariantCulture)] = value.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public override void ResetState()
    {
        foreach (Tensor t in _running.Values)
        {
            t.Dispose();
        }

        _running.Clear();
    }

    private Tensor EstimateMean(int layer, Tensor h, bool training)
    {
        Tensor batchMean = h.mean([0]);
        if (RunningMean is not double lambda || !_running.TryGetValue(layer, out Tensor? previous))
        {
            if (RunningMean is not null && training)
            {
                _running[layer] = batchMean.detach().clone().DetachFromDisposeScope();
            }

            return batchMean;
        }

        Tensor estimate = (lambda * previous) + ((1 - lambda) * batchMean);
        if (training)
        {
            previous.Dispose();
            _running[layer] = estimate.detach().clone().DetachFromDisposeScope();
        }

        return estimate;
    }
}
