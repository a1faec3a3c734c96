using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// Principal component analysis, fitted by a thin singular value decomposition of the centred data in float64
/// (X - mean = U S V^T: the rows of V^T are the principal axes, S^2 / (N - 1) the variances along them), as
/// scikit-learn's PCA does. Component signs are fixed (each axis's largest-magnitude entry is positive) so results
/// are reproducible across runs and libraries.
/// </summary>
public sealed class PrincipalComponentAnalysis : IDisposable
{
    private PrincipalComponentAnalysis(Tensor mean, Tensor components, Tensor explainedVariance, double totalVariance, long sampleCount)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        TotalVariance = totalVariance;
        SampleCount = sampleCount;
    }

    /// <summary>Feature means [D] (float32).</summary>
    public Tensor Mean { get; }

    /// <summary>Principal axes as rows [k, D] (float32, orthonormal), in order of decreasing variance.</summary>
    public Tensor Components { get; }

    /// <summary>Variance of the data along each component [k] (float64, unbiased: divided by N - 1).</summary>
    public Tensor ExplainedVariance { get; }

    /// <summary>Total variance of the data: the sum of the D feature variances.</summary>
    public double TotalVariance { get; }

    /// <summary>Number of samples the fit saw.</summary>
    public long SampleCount { get; }

    /// <summary>Number of components k.</summary>
    public int ComponentCount => (int)Components.shape[0];

    /// <summary>Dimension D of the data.</summary>
    public long FeatureCount => Components.shape[1];

    /// <summary>Share of the total variance each component explains (0 for data without variance).</summary>
    public double[] ExplainedVarianceRatio =>
        ExplainedVariance.data<double>().ToArray().Select(v => TotalVariance > 0 ? v / TotalVariance : 0).ToArray();

    /// <summary>
    /// Fits <paramref name="components"/> principal components to <paramref name="data"/> [N, ...] (flattened to
    /// [N, D]). Needs N &gt;= 2 and 1 &lt;= k &lt;= min(N, D).
    /// </summary>
    public static PrincipalComponentAnalysis Fit(Tensor data, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.dim() < 2)
        {
            throw new ArgumentException($"PCA needs data shaped [samples, features...]; found shape [{string.Join(", ", data.shape)}].", nameof(data));
        }

        using var scope = torch.NewDisposeScope();
        Tensor x = data.detach().reshape(data.shape[0], -1).to_type(ScalarType.Float64).cpu();
        long n = x.shape[0], d = x.shape[1];
        if (n < 2)
        {
            throw new ArgumentException($"PCA needs at least two samples; found {n}.", nameof(data));
        }

        if (components < 1 || components > Math.Min(n, d))
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, $"PCA of {n} samples of dimension {d} has between 1 and {Math.Min(n, d)} components.");
        }

        if (!torch.isfinite(x).all().item<bool>())
        {
            throw new ArgumentException("PCA needs finite data; found NaN or infinite values.", nameof(data));
        }

        Tensor mean = x.mean([0]);
        Tensor centred = x - mean;
        (_, Tensor singular, Tensor vt) = torch.linalg.svd(centred, fullMatrices: false);
        Tensor top = vt.narrow(0, 0, components);

        // Fix each axis's sign so that its largest-magnitude entry is positive (SVD's signs are arbitrary).
        Tensor signs = top.gather(1, top.abs().argmax(1, keepdim: true)).sign();
        top = top * torch.where(signs.eq(0), torch.ones_like(signs), signs);
        Tensor variances = singular.narrow(0, 0, components).square() / (n - 1);
        double total = centred.square().sum().item<double>() / (n - 1);
        return new PrincipalComponentAnalysis(
            mean.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            top.to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope(),
            variances.contiguous().MoveToOuterDisposeScope(),
            total,
            n);
    }

    /// <summary>Coordinates of <paramref name="data"/> [N, ...] along the components: [N, k] (float32).</summary>
    public Tensor Transform(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = torch.NewDisposeScope();
        Tensor x = data.reshape(data.shape[0], -1).to_type(ScalarType.Float32);
        if (x.shape[1] != FeatureCount)
        {
            throw new ArgumentException($"The PCA was fitted to {FeatureCount} features; the data has {x.shape[1]}.", nameof(data));
        }

        return (x - Mean.to(x.device)).matmul(Components.to(x.device).t()).MoveToOuterDisposeScope();
    }

    /// <summary>Points in data space [N, D] for coordinates [N, k] (the mean plus the weighted components).</summary>
    public Tensor InverseTransform(Tensor coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        if (coordinates.dim() != 2 || coordinates.shape[1] != ComponentCount)
        {
            throw new ArgumentException($"Expected coordinates shaped [N, {ComponentCount}]; found [{string.Join(", ", coordinates.shape)}].", nameof(coordinates));
        }

        using var scope = torch.NewDisposeScope();
        Tensor c = coordinates.to_type(ScalarType.Float32);
        return (c.matmul(Components.to(c.device)) + Mean.to(c.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Projection onto the principal subspace and back, shaped like <paramref name="data"/>.</summary>
    public Tensor Reconstruct(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = torch.NewDisposeScope();
        return InverseTransform(Transform(data)).reshape(data.shape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
        ExplainedVariance.Dispose();
    }
}
