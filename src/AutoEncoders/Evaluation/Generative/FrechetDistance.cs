using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between two Gaussians, d² = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
/// (Dowson and Landau, 1982), and between Gaussians fitted to two sets of feature vectors, as in Heusel et al.'s
/// (2017) FID. Computed in float64; the matrix square roots come from symmetric eigendecompositions
/// (<c>torch.linalg.eigh</c>) with negative round-off eigenvalues clamped to 0, so the trace term never goes
/// complex as scipy's <c>sqrtm</c> of the non-symmetric Σ₁Σ₂ can. The result is d², as FID reports it.
/// </summary>
public static class FrechetDistance
{
    /// <summary>d² between Gaussians fitted (mean, unbiased covariance) to the rows of <paramref name="a"/> [N, d] and <paramref name="b"/> [M, d].</summary>
    public static double Of(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
        {
            throw new ArgumentException($"Fréchet distance: expected two [N, d] feature sets of the same width; found [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
        }

        if (a.shape[0] < 2 || b.shape[0] < 2)
        {
            throw new ArgumentException($"Fréchet distance: a covariance needs at least 2 rows per set; found {a.shape[0]} and {b.shape[0]}.");
        }

        using var scope = torch.NewDisposeScope();
        (Tensor meanA, Tensor covarianceA) = Moments(a);
        (Tensor meanB, Tensor covarianceB) = Moments(b);
        return Between(meanA, covarianceA, meanB, covarianceB);
    }

    /// <summary>d² between N(<paramref name="meanA"/>, <paramref name="covarianceA"/>) and N(<paramref name="meanB"/>, <paramref name="covarianceB"/>); covariances symmetric positive semi-definite.</summary>
    public static double Between(Tensor meanA, Tensor covarianceA, Tensor meanB, Tensor covarianceB)
    {
        ArgumentNullException.ThrowIfNull(meanA);
        ArgumentNullException.ThrowIfNull(covarianceA);
        ArgumentNullException.ThrowIfNull(meanB);
        ArgumentNullException.ThrowIfNull(covarianceB);
        using var scope = torch.NewDisposeScope();
        Tensor ma = meanA.to_type(ScalarType.Float64).cpu(), mb = meanB.to_type(ScalarType.Float64).cpu();
        Tensor sa = Symmetric(covarianceA.to_type(ScalarType.Float64).cpu());
        Tensor sb = Symmetric(covarianceB.to_type(ScalarType.Float64).cpu());
        Tensor rootA = SquareRoot(sa);
        Tensor inner = Symmetric(rootA.matmul(sb).matmul(rootA));
        Tensor traceRoot = torch.linalg.eigvalsh(inner).clamp_min(0).sqrt().sum();
        Tensor d2 = (ma - mb).pow(2).sum() + sa.trace() + sb.trace() - (2 * traceRoot);
        // Round-off can leave a tiny negative value for identical sets; the distance itself is never negative.
        return Math.Max(0, d2.item<double>());
    }

    /// <summary>The mean [d] and unbiased covariance [d, d] of the rows of <paramref name="features"/>, in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var scope = torch.NewDisposeScope();
        Tensor x = features.to_type(ScalarType.Float64).cpu();
        Tensor mean = x.mean([0]);
        Tensor centred = x - mean;
        Tensor covariance = centred.t().matmul(centred) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>The symmetric positive semi-definite square root V diag(sqrt(max(λ, 0))) Vᵀ.</summary>
    private static Tensor SquareRoot(Tensor symmetric)
    {
        (Tensor values, Tensor vectors) = torch.linalg.eigh(symmetric);
        return (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).matmul(vectors.t());
    }

    private static Tensor Symmetric(Tensor m) => 0.5 * (m + m.t());
}
