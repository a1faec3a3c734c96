using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// Penalises the distance between each unit's mean activation rho_hat_j and a target rho (Ng, "Sparse
/// autoencoder", CS294A notes). rho_hat is the mini-batch mean or, with <see cref="RunningMean"/> = lambda, the
/// running estimate rho_hat_t = lambda * rho_hat_{t-1} + (1 - lambda) * batch_mean. With the running estimate,
/// the penalty's value is D(rho, rho_hat_t) and its gradient is D'(rho_hat_t) times the gradient of the batch
/// mean, i.e. Ng's delta with rho_hat_t in the coefficient: the estimate is steadier than one batch's mean, and
/// the push on the units does not shrink by the factor (1 - lambda) that differentiating the recurrence would give.
/// Needs activations in (0, 1) (sigmoid units).
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

            Tensor batchMean = hidden.Output.reshape(hidden.Output.shape[0], -1).mean([0]);
            Tensor? estimate = RunningMean is null ? null : UpdateEstimate(layer, batchMean, context.Training);
            if (estimate is null)
            {
                total = total + Divergence(Target, batchMean);
                continue;
            }

            // Value D(rho, estimate); gradient D'(estimate) * d(batch mean): a surrogate that is zero in value.
            Tensor probe = estimate.detach().requires_grad_(true);
            using (torch.enable_grad())
            {
                Tensor divergence = Divergence(Target, probe);
                Tensor slope = torch.autograd.grad([divergence], [probe])[0];
                total = total + divergence.detach() + (slope * (batchMean - batchMean.detach())).sum();
            }
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

    private Tensor UpdateEstimate(int layer, Tensor batchMean, bool training)
    {
        double lambda = RunningMean!.Value;
        Tensor estimate = _running.TryGetValue(layer, out Tensor? previous)
            ? (lambda * previous) + ((1 - lambda) * batchMean.detach())
            : batchMean.detach();
        if (training)
        {
            previous?.Dispose();
            _running[layer] = estimate.clone().DetachFromDisposeScope();
        }

        return estimate;
    }
}
