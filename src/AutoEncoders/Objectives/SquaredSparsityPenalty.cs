using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>The squared-error form of the sparsity target, sum_j (rho_hat_j - rho)^2, for comparison with the KL form.</summary>
public sealed class SquaredSparsityPenalty : SparsityTargetPenalty
{
    /// <inheritdoc />
    public override string Name => "squared_sparsity";

    /// <inheritdoc />
    protected override Tensor Divergence(double rho, Tensor rhoHat)
    {
        ArgumentNullException.ThrowIfNull(rhoHat);
        return (rhoHat - rho).square().sum();
    }
}
