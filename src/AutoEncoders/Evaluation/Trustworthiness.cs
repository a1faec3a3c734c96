using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// Trustworthiness of a low-dimensional map (Venna and Kaski, 2001): how far the map's k nearest neighbours of
/// each point are from being its true neighbours. T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σᵢ Σ_{j ∈ Uₖ(i)} (r(i, j) − k),
/// where Uₖ(i) are the points among i's k nearest in the map but not in the data, and r(i, j) is j's rank among
/// i's neighbours in the data (1 = nearest). 1 means no false neighbours; the same formula as scikit-learn's.
/// </summary>
public static class Trustworthiness
{
    /// <summary>
    /// T(<paramref name="k"/>) of the map <paramref name="embedded"/> [n, d] of <paramref name="original"/> [n, ...]
    /// (Euclidean distances; n·n distances are held at once, so pass a sample of a few thousand points).
    /// </summary>
    public static double Compute(Tensor original, Tensor embedded, int k)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(embedded);
        long n = original.shape[0];
        if (embedded.shape[0] != n)
        {
            throw new ArgumentException($"The map holds {embedded.shape[0]} points but the data {n}.", nameof(embedded));
        }

        if (k < 1 || k >= n / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must lie between 1 and n/2 (n = {n}).");
        }

        using var scope = torch.NewDisposeScope();
        Tensor originalOrder = NeighbourOrder(original);
        Tensor embeddedNearest = NeighbourOrder(embedded).narrow(1, 0, k);

        // ranks[i, j] = rank of j among i's neighbours in the data (1-based; i itself is never a neighbour).
        Tensor ranks = torch.zeros(n, n, dtype: ScalarType.Int64);
        Tensor positions = torch.arange(1, n, dtype: ScalarType.Int64).unsqueeze(0).expand(n, n - 1).contiguous();
        ranks.scatter_(1, originalOrder, positions);
        Tensor excess = (ranks.gather(1, embeddedNearest) - k).clamp_min(0);
        double sum = excess.sum().to_type(ScalarType.Float64).item<double>();
        return 1 - (sum * 2.0 / (n * (double)k * ((2.0 * n) - (3.0 * k) - 1.0)));
    }

    // Each row's other points, nearest first (ties by position), as indices [n, n-1].
    private static Tensor NeighbourOrder(Tensor points)
    {
        Tensor x = points.reshape(points.shape[0], -1).to_type(ScalarType.Float64);
        long n = x.shape[0];
        Tensor distances = torch.cdist(x, x);
        distances = distances.masked_fill(torch.eye(n, dtype: ScalarType.Bool), double.PositiveInfinity);
        (_, Tensor order) = distances.sort(1, stable: true);
        return order.narrow(1, 0, n - 1);
    }
}
