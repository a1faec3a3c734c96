using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// A per-column rank-Gauss (quantile-normal) transform fitted on reference rows: a value becomes
/// Φ⁻¹((r + 0.5) / (N + 1)), r its mid-rank among the N reference values of its column (ties, and values within float32 rounding of
/// one, share the mean rank; a value beyond every reference value gets rank 0 or N). Skewed and heavy-tailed columns come out on one common
/// Gaussian scale, so a distance there weighs each column by how rare a value is, not by its raw spread.
/// The fitted state is one tensor, the reference values sorted per column (<see cref="Fit"/>), owned by the caller.
/// </summary>
public static class RankGaussTransform
{
    /// <summary>Relative gap (times 1 + |value|) within which a value counts as tied with a reference value.</summary>
    public const float TieTolerance = 1e-5f;

    /// <summary>The reference rows [N, D] (N at least 1) as sorted columns [D, N] (float32): the fitted transform.</summary>
    public static Tensor Fit(Tensor reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentOutOfRangeException.ThrowIfLessThan(reference.shape[0], 1);
        using var scope = torch.NewDisposeScope();
        Tensor rows = reference.reshape(reference.shape[0], -1).to_type(ScalarType.Float32);
        return rows.t().contiguous().sort(dim: 1).Values.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Each value of <paramref name="rows"/> [M, D] as its column's rank-Gauss value under <paramref name="sortedColumns"/> (from <see cref="Fit"/>): [M, D], float32.</summary>
    public static Tensor Apply(Tensor sortedColumns, Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(sortedColumns);
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = torch.NewDisposeScope();
        Tensor x = rows.reshape(rows.shape[0], -1).to_type(ScalarType.Float32);
        if (x.shape[1] != sortedColumns.shape[0])
        {
            throw new ArgumentException($"Rows have {x.shape[1]} values each but the transform was fitted on {sortedColumns.shape[0]}.", nameof(rows));
        }

        // Values within float32 rounding of a reference value count as equal to it: the training rows and the rows
        // scored later are normalised by different code paths, and a tied value (discrete columns hold thousands
        // of ties) a few ulps off would jump from the middle of its tie block to its edge.
        Tensor values = x.t().contiguous();
        Tensor tolerance = values.abs().add(1).mul(TieTolerance);
        Tensor left = torch.searchsorted(sortedColumns, values - tolerance, right: false).to_type(ScalarType.Float64);
        Tensor right = torch.searchsorted(sortedColumns, values + tolerance, right: true).to_type(ScalarType.Float64);
        return Gauss(left + right, sortedColumns.shape[1]).t().to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The transformed value for every sum of a value's two search positions (left + right, 0 to 2N) among
    /// <paramref name="count"/> reference values, as <see cref="Apply"/> computes it: a lookup table [2N + 1] for
    /// graphs without an inverse error function (the ONNX detector).
    /// </summary>
    public static float[] ValuesByPositionSum(long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        using Tensor sums = torch.arange(0, (2 * count) + 1, dtype: ScalarType.Float64);
        return Gauss(sums, count).to_type(ScalarType.Float32).data<float>().ToArray();
    }

    // Φ⁻¹((r + 0.5) / (N + 1)) with r the mid-rank (left + right) / 2, in float64.
    private static Tensor Gauss(Tensor positionSums, long count)
    {
        Tensor u = ((positionSums / 2) + 0.5) / (count + 1);
        return ((u * 2) - 1).erfinv() * Math.Sqrt(2);
    }
}
