using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Sparsity;

/// <summary>
/// Lifetime sparsity of winner-take-all autoencoders (Makhzani and Frey, "Winner-Take-All Autoencoders", 2015):
/// during training each code unit keeps only its top <see cref="Rate"/> fraction of activations across the
/// mini-batch; at inference nothing is masked.
/// </summary>
public sealed record WinnerTakeAll : CodeSparsity
{
    /// <summary>Fraction of the batch each unit keeps, e.g. 0.05 for 5%.</summary>
    public double Rate { get; init; } = 0.05;

    /// <inheritdoc />
    public override Tensor Apply(Tensor activations, bool training)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (!training)
        {
            return activations.alias();
        }

        long batch = activations.shape[0];
        long keep = Math.Max(1, (long)Math.Ceiling(Rate * batch));
        if (keep >= batch)
        {
            return activations.alias();
        }

        using var scope = torch.NewDisposeScope();
        Tensor indices = activations.topk((int)keep, dim: 0).indexes;
        Tensor mask = torch.zeros_like(activations).scatter_(0, indices, torch.ones(indices.shape, dtype: activations.dtype, device: activations.device));
        return (activations * mask).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Validate(int codeSize)
    {
        if (Rate is <= 0 or > 1)
        {
            throw new ArgumentException($"sparsity.rate must lie in (0, 1]; found {Rate}.");
        }
    }
}
