using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The unbiased U-statistic estimate of the squared maximum mean discrepancy between two samples (Gretton et al.,
/// 2012, "A kernel two-sample test", lemma 6), differentiable, summed over several kernel widths as in Tolstikhin et
/// al.'s WAE code (<c>wae.py</c>, <c>mmd_penalty</c>): for each C,
/// sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (n (n - 1)) - 2 sum_{i, j} k(x_i, y_j) / (m n).
/// Its expectation is 0 exactly when both samples come from one distribution, so a single estimate can be slightly
/// negative.
/// </summary>
public static class MmdEstimator
{
    /// <summary>
    /// The unbiased MMD^2 between <paramref name="x"/> [m, d] and <paramref name="y"/> [n, d] (m, n at least 2),
    /// summed over the kernel constants <paramref name="constants"/> (each C &gt; 0), a scalar tensor that carries
    /// gradients to both samples.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 points, points of different sizes, or a constant that is not positive.</exception>
    public static Tensor Unbiased(Tensor x, Tensor y, MmdKernel kernel, IReadOnlyList<double> constants)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(constants);
        if (x.dim() < 1 || y.dim() < 1 || x.shape[0] < 2 || y.shape[0] < 2 || x.numel() / x.shape[0] != y.numel() / y.shape[0])
        {
            throw new ArgumentException($"MMD needs two samples of at least 2 points of the same size; found [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        }

        if (constants.Count == 0 || constants.Any(c => !(c > 0) || double.IsInfinity(c)))
        {
            throw new ArgumentException($"MMD kernel constants must be positive numbers; found [{string.Join(", ", constants)}].", nameof(constants));
        }

        using var scope = torch.NewDisposeScope();
        Tensor a = x.reshape(x.shape[0], -1);
        Tensor b = y.reshape(y.shape[0], -1).to(a.dtype);
        long m = a.shape[0], n = b.shape[0];
        Tensor daa = SquaredDistances(a, a), dbb = SquaredDistances(b, b), dab = SquaredDistances(a, b);

        // The diagonal pairs (i, i) are left out of the within-sample sums: that is what makes the estimate unbiased.
        Tensor offA = 1 - torch.eye(m, dtype: a.dtype, device: a.device);
        Tensor offB = 1 - torch.eye(n, dtype: a.dtype, device: a.device);
        Tensor total = torch.zeros([], dtype: a.dtype, device: a.device);
        foreach (double c in constants)
        {
            Tensor kaa = (Kernel(daa, kernel, c) * offA).sum() / (m * (m - 1.0));
            Tensor kbb = (Kernel(dbb, kernel, c) * offB).sum() / (n * (n - 1.0));
            Tensor kab = Kernel(dab, kernel, c).sum() * (2.0 / (m * (double)n));
            total = total + kaa + kbb - kab;
        }

        return total.MoveToOuterDisposeScope();
    }

    /// <summary>k(x, y) from the squared distances |x - y|^2 for one constant C.</summary>
    public static Tensor Kernel(Tensor squaredDistances, MmdKernel kernel, double constant)
    {
        ArgumentNullException.ThrowIfNull(squaredDistances);
        return kernel == MmdKernel.Gaussian
            ? torch.exp(-squaredDistances / constant)
            : constant / (constant + squaredDistances);
    }

    // |a_i|^2 + |b_j|^2 - 2 a_i.b_j as in the WAE code (cdist's gradient is undefined at distance 0, the diagonal),
    // clamped at 0 against rounding.
    private static Tensor SquaredDistances(Tensor a, Tensor b)
    {
        Tensor na = a.pow(2).sum(1, keepdim: true);
        Tensor nb = b.pow(2).sum(1, keepdim: true);
        return (na + nb.t() - (2 * a.matmul(b.t()))).clamp_min(0);
    }
}
