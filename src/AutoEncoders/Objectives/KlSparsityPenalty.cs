using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// KL sparsity: sum_j KL(rho || rho_hat_j) = sum_j [rho log(rho / rho_hat_j) + (1 - rho) log((1 - rho) / (1 - rho_hat_j))].
/// Its gradient with respect to unit j's pre-activation is
/// beta * (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j)) * f'(z_j), averaged over the batch.
/// </summary>
public sealed class KlSparsityPenalty : SparsityTargetPenalty
{
    /// <summary>Smallest rho_hat used, so a dead or saturated unit gives a large but finite penalty.</summary>
    public const double Epsilon = 1e-6;

    /// <inheritdoc />
    public override string Name => "kl_sparsity";

    /// <inheritdoc />
    protected override Tensor Divergence(double rho, Tensor rhoHat)
    {
        ArgumentNullException.ThrowIfNull(rhoHat);
        Tensor q = rhoHat.clamp(Epsilon, 1 - Epsilon);
        return ((rho * (Math.Log(rho) - q.log())) + ((1 - rho) * (Math.Log(1 - rho) - (1 - q).log()))).sum();
    }
}
