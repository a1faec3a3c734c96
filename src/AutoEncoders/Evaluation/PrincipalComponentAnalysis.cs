using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// Principal component analysis (scikit-learn's PCA): the top-k eigenvectors of the sample covariance, computed in
/// float64 from the D x D covariance with a symmetric eigensolver, so it stays fast for many samples of moderate
/// dimension. Component signs are fixed (largest-magnitude entry positive) so results are reproducible.
/// </summary>
public sealed class PrincipalComponentAnalysis : IDisposable
{
    private PrincipalComponentAnalysis(Tensor mean, Tensor components, Tensor explainedVariance, double totalVariance)
    {
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        TotalVariance = totalVariance;
    }

    /// <summary>Feature means [D] (float32).</summary>
    public Tensor Mean { get; }

    /// <summary>Principal axes as rows [k, D] (float32, orthonormal).</summary>
    public Tensor Components { get; }

    /// <summary>Variance along each component [k] (float64).</summary>
    public Tensor ExplainedVariance { get; }

    /// <summary>Total variance of the data (sum over all D features).</summary>
    public double TotalVariance { get; }

    /// <summary>Number of components.</summary>
    public int ComponentCount => (int)Components.shape[0];

    /// <summary>Share of the total variance each component explains.</summary>
    public double[] ExplainedVarianceRatio => ExplainedVariance.data<double>().ToArray().Select(v => v / TotalVariance).ToArray();

    /// <summary>Fits <paramref name="components"/> components to <paramref name="data"/> [N, ...] (flattened to [N, D]).</summary>
    public static PrincipalComponentAnalysis Fit(Tensor data, int components)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = torch.NewDisposeScope();
        Tensor x = data.reshape(data.shape[0], -1).to_type(ScalarType.Float64);
        long n = x.shape[0], d = x.shape[1];
        if (components < 1 || components > d)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, $"PCA needs between 1 and {d} components for {d}-dimensional data.");
        }

        if (n < 2)
        {
            throw new ArgumentException("PCA needs at least two samples.", nameof(data));
        }

        Tensor mean = x.mean([0]);
        Tensor centred = x - mean;
        Tensor covariance = centred.t().matmul(centred) / (n - 1);
        (Tensor eigenvalues, Tensor eigenvectors) = torch.linalg.eigh(covariance);
        Tensor order = torch.arange(d - 1, d - 1 - components, -1, dtype: ScalarType.Int64);
        Tensor top = eigenvectors.index_select(1, order).t();
        Tensor signs = top.gather(1, top.abs().argmax(1, keepdim: true)).sign();
        top = top * signs;
        Tensor variances = eigenvalues.index_select(0, order).clamp_min(0);
        double total = covariance.diagonal().sum().item<double>();
        return new PrincipalComponentAnalysis(
            mean.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            top.to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope(),
            variances.MoveToOuterDisposeScope(),
            total);
    }

    /// <summary>
    /// The first <paramref name="components"/> components of this fit, as a fit of its own: the same axes that
    /// <see cref="Fit"/> with that many components finds, without a second eigendecomposition.
    /// </summary>
    public PrincipalComponentAnalysis Leading(int components)
    {
        if (components < 1 || components > ComponentCount)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, $"This fit has {ComponentCount} components.");
        }

        return new PrincipalComponentAnalysis(Mean.clone(), Components.narrow(0, 0, components).clone(), ExplainedVariance.narrow(0, 0, components).clone(), TotalVariance);
    }

    /// <summary>Coordinates of <paramref name="data"/> [N, ...] along the components: [N, k].</summary>
    public Tensor Transform(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var scope = torch.NewDisposeScope();
        Tensor x = data.reshape(data.shape[0], -1).to_type(ScalarType.Float32);
        return (x - Mean).matmul(Components.t()).MoveToOuterDisposeScope();
    }

    /// <summary>Points in data space [N, D] for coordinates [N, k].</summary>
    public Tensor InverseTransform(Tensor coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        using var scope = torch.NewDisposeScope();
        return (coordinates.matmul(Components) + Mean).MoveToOuterDisposeScope();
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
