using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// The maximum mean discrepancy between two samples with a Gaussian (RBF) kernel k(a, b) = exp(-|a - b|^2 / (2 s^2))
/// (Gretton et al., 2012, "A kernel two-sample test", equation 3: the unbiased estimate of MMD^2). It is 0 in
/// expectation when both samples come from one distribution and grows as they differ; the unbiased estimate can be
/// slightly negative. Computed in double precision on the samples' device.
/// </summary>
public static class MaximumMeanDiscrepancy
{
    /// <summary>The unbiased MMD^2 between <paramref name="x"/> [m, d] and <paramref name="y"/> [n, d] (m, n at least 2) with bandwidth s = <paramref name="bandwidth"/>.</summary>
    public static double SquaredRbf(Tensor x, Tensor y, double bandwidth)
    {
        CheckSamples(x, y);
        if (!(bandwidth > 0) || double.IsInfinity(bandwidth))
        {
            throw new ArgumentException($"The RBF bandwidth must be a positive number; found {bandwidth}.", nameof(bandwidth));
        }

        using var scope = torch.NewDisposeScope();
        Tensor a = x.detach().to(ScalarType.Float64).reshape(x.shape[0], -1);
        Tensor b = y.detach().to(ScalarType.Float64).reshape(y.shape[0], -1);
        double gamma = 1.0 / (2 * bandwidth * bandwidth);
        long m = a.shape[0], n = b.shape[0];

        // Diagonal terms k(a_i, a_i) = 1 are left out of the within-sample means (the unbiased U-statistic).
        double kxx = (torch.exp(-gamma * torch.cdist(a, a).pow(2)).sum().item<double>() - m) / (m * (m - 1.0));
        double kyy = (torch.exp(-gamma * torch.cdist(b, b).pow(2)).sum().item<double>() - n) / (n * (n - 1.0));
        double kxy = torch.exp(-gamma * torch.cdist(a, b).pow(2)).mean().item<double>();
        return kxx + kyy - (2 * kxy);
    }

    /// <summary>The median heuristic for the bandwidth: the median distance between distinct points of the pooled samples.</summary>
    public static double MedianBandwidth(Tensor x, Tensor y)
    {
        CheckSamples(x, y);
        using var scope = torch.NewDisposeScope();
        Tensor pooled = torch.cat([x.detach().reshape(x.shape[0], -1), y.detach().reshape(y.shape[0], -1)]).to(ScalarType.Float64);
        Tensor distances = torch.cdist(pooled, pooled);
        long count = pooled.shape[0];
        Tensor upper = torch.ones(count, count, dtype: ScalarType.Bool, device: pooled.device).triu(1);
        double median = distances.masked_select(upper).median().item<double>();
        if (!(median > 0))
        {
            throw new ArgumentException("The median distance between the samples' points is 0 (most points coincide); pass a bandwidth explicitly.");
        }

        return median;
    }

    private static void CheckSamples(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.dim() < 1 || y.dim() < 1 || x.shape[0] < 2 || y.shape[0] < 2)
        {
            throw new ArgumentException($"MMD needs at least 2 points in each sample; found [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        }

        if (x.numel() / x.shape[0] != y.numel() / y.shape[0])
        {
            throw new ArgumentException($"The samples' points differ in size: [{string.Join(", ", x.shape)}] against [{string.Join(", ", y.shape)}].");
        }
    }
}
