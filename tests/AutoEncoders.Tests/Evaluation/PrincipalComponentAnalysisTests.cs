using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation;

public sealed class PrincipalComponentAnalysisTests
{
    [Fact]
    public void Recovers_the_axes_and_variances_of_a_known_gaussian()
    {
        Runtime.TorchRuntime.EnsureLoaded();
        using var generator = new Generator(3);

        // Variances 9, 4, 1 along a rotated basis.
        Tensor rotation = torch.linalg.qr(torch.randn(3, 3, generator: generator, dtype: ScalarType.Float64)).Item1;
        Tensor samples = torch.randn(20000, 3, generator: generator, dtype: ScalarType.Float64) * torch.tensor(new[] { 3.0, 2.0, 1.0 });
        Tensor data = (samples.matmul(rotation.t()) + 5).to_type(ScalarType.Float32);

        using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(data, 2);

        double[] variances = pca.ExplainedVariance.data<double>().ToArray();
        Assert.Equal(9.0, variances[0], 0.3);
        Assert.Equal(4.0, variances[1], 0.2);
        Assert.Equal((9.0 + 4.0) / (9 + 4 + 1), pca.ExplainedVarianceRatio.Sum(), 0.01);
        double[] angles = SubspaceComparison.PrincipalAnglesDegrees(pca.Components.t(), rotation.narrow(1, 0, 2));
        Assert.True(angles.Max() < 2, $"largest principal angle {angles.Max():F2} degrees");
        Assert.Equal(5.0, pca.Mean.mean().item<float>(), 0.05);
    }

    [Fact]
    public void Reconstruction_with_all_components_is_exact()
    {
        Runtime.TorchRuntime.EnsureLoaded();
        using var generator = new Generator(4);
        Tensor data = torch.rand(50, 6, generator: generator);
        using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(data, 6);

        Assert.True(pca.Reconstruct(data).allclose(data, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Leading_components_of_a_full_fit_equal_a_fit_with_that_many()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        Tensor data = torch.randn(500, 7, generator: generator) * torch.arange(1, 8, dtype: ScalarType.Float32);
        using PrincipalComponentAnalysis full = PrincipalComponentAnalysis.Fit(data, 7);
        using PrincipalComponentAnalysis leading = full.Leading(3);
        using PrincipalComponentAnalysis direct = PrincipalComponentAnalysis.Fit(data, 3);

        Assert.Equal(3, leading.ComponentCount);
        Assert.True(leading.Components.eq(direct.Components).all().item<bool>(), "the same axes, bit for bit");
        Assert.Equal(direct.ExplainedVarianceRatio, leading.ExplainedVarianceRatio);
        Assert.True(leading.Reconstruct(data).eq(direct.Reconstruct(data)).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => full.Leading(8));
    }

    [Fact]
    public void Principal_angles_of_a_subspace_with_itself_are_zero_and_of_orthogonal_ones_ninety()
    {
        Runtime.TorchRuntime.EnsureLoaded();
        Tensor e12 = torch.eye(4).narrow(1, 0, 2);
        Tensor e34 = torch.eye(4).narrow(1, 2, 2);
        Tensor mixed = e12.matmul(torch.tensor(new float[,] { { 2, 1 }, { 1, 3 } }));

        Assert.All(SubspaceComparison.PrincipalAnglesDegrees(e12, mixed), a => Assert.Equal(0, a, 1e-4));
        Assert.All(SubspaceComparison.PrincipalAnglesDegrees(e12, e34), a => Assert.Equal(90, a, 1e-4));
    }
}
