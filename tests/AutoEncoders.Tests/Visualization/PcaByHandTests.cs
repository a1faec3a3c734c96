using AutoEncoders.Evaluation;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Visualization;

public sealed class PcaByHandTests
{
    private static readonly float[] Scales = [5f, 1f, 0.2f];

    [Fact]
    public void Four_points_on_a_rotated_cross_give_the_axes_and_variances_by_hand()
    {
        TorchRuntime.EnsureLoaded();

        // (+-2, 0) and (0, +-1), rotated by 30 degrees and moved to (5, -3): the mean is (5, -3); the variances
        // (N - 1 = 3) are 8/3 along the rotated first axis and 2/3 along the second, 80% and 20% of the total.
        double c = Math.Cos(Math.PI / 6), s = Math.Sin(Math.PI / 6);
        float[,] points = { { 2, 0 }, { -2, 0 }, { 0, 1 }, { 0, -1 } };
        var data = new float[4, 2];
        for (int i = 0; i < 4; i++)
        {
            data[i, 0] = (float)((c * points[i, 0]) - (s * points[i, 1]) + 5);
            data[i, 1] = (float)((s * points[i, 0]) + (c * points[i, 1]) - 3);
        }

        using Tensor x = torch.tensor(data);
        using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(x, 2);

        Assert.Equal([5f, -3f], pca.Mean.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        double[] variance = pca.ExplainedVariance.data<double>().ToArray();
        Assert.Equal(8.0 / 3, variance[0], 1e-5);
        Assert.Equal(2.0 / 3, variance[1], 1e-5);
        Assert.Equal(0.8, pca.ExplainedVarianceRatio[0], 1e-6);
        Assert.Equal(0.2, pca.ExplainedVarianceRatio[1], 1e-6);

        // Axes with the sign convention (largest entry positive): (cos 30, sin 30) and (sin 30, -cos 30) flipped to (-sin 30, cos 30).
        float[] axes = pca.Components.data<float>().ToArray();
        Assert.Equal(c, axes[0], 1e-5);
        Assert.Equal(s, axes[1], 1e-5);
        Assert.Equal(-s, axes[2], 1e-5);
        Assert.Equal(c, axes[3], 1e-5);

        float[] coordinates = pca.Transform(x).data<float>().ToArray();
        Assert.Equal([2f, 0f, -2f, 0f, 0f, 1f, 0f, -1f], coordinates, (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.True(pca.InverseTransform(pca.Transform(x)).allclose(x, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void One_component_of_three_d_data_reconstructs_its_projection_and_refuses_bad_requests()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(11);
        Tensor data = torch.randn(200, 3, generator: generator) * torch.tensor(Scales);
        using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(data, 1);

        Assert.Equal(1, pca.ComponentCount);
        Assert.True(Math.Abs(pca.Components[0, 0].item<float>()) > 0.99, "the first axis should be the high-variance feature");
        Tensor residual = data - pca.Reconstruct(data);
        Assert.True(residual.select(1, 0).abs().max().item<float>() < 0.5, "the projection keeps the dominant feature");
        Assert.Throws<ArgumentOutOfRangeException>(() => PrincipalComponentAnalysis.Fit(data, 4));
        Assert.Throws<ArgumentException>(() => PrincipalComponentAnalysis.Fit(torch.zeros(1, 3), 1));
    }
}
