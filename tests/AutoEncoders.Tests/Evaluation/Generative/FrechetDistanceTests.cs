using AutoEncoders.Evaluation.Generative;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation.Generative;

public sealed class FrechetDistanceTests
{
    public FrechetDistanceTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void A_set_is_at_distance_zero_from_itself()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(3);
        Tensor x = torch.randn([500, 16], generator: generator).matmul(torch.randn([16, 16], generator: generator)) + 3;
        double self = FrechetDistance.Of(x, x);
        double other = FrechetDistance.Of(x, x + 0.1);
        Assert.InRange(self, 0, 1e-6);
        Assert.Equal(16 * 0.01, other, 1e-4); // a shift by 0.1 in 16 dimensions moves only the mean term
    }

    [Fact]
    public void Gaussians_with_commuting_covariances_match_the_closed_form()
    {
        // A = R diag(a) R', B = R diag(b) R' commute, so d^2 = |mA - mB|^2 + sum (sqrt(a) - sqrt(b))^2.
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        Tensor rotation = torch.linalg.qr(torch.randn([6, 6], ScalarType.Float64, generator: generator)).Item1;
        double[] a = [4, 1, 0.25, 9, 2, 0.5], b = [1, 1, 1, 4, 8, 0.5];
        Tensor covA = rotation.matmul(torch.diag(torch.tensor(a))).matmul(rotation.t());
        Tensor covB = rotation.matmul(torch.diag(torch.tensor(b))).matmul(rotation.t());
        Tensor meanA = torch.tensor(new double[] { 0, 1, 2, 3, 4, 5 }), meanB = torch.tensor(new double[] { 1, 1, 0, 3, 4, 5 });
        double expected = 1 + 4 + a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        Assert.Equal(expected, FrechetDistance.Between(meanA, covA, meanB, covB), 1e-9);
    }

    [Fact]
    public void Gaussians_with_non_commuting_covariances_match_the_two_dimensional_closed_form()
    {
        // For 2x2 M = A^1/2 B A^1/2: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)), tr M = tr(AB), det M = det A det B.
        using var scope = torch.NewDisposeScope();
        Tensor covA = torch.tensor(new double[,] { { 2, 0.8 }, { 0.8, 1 } });
        Tensor covB = torch.tensor(new double[,] { { 0.5, -0.3 }, { -0.3, 3 } });
        Tensor mean = torch.zeros(2, ScalarType.Float64);
        double trAb = covA.matmul(covB).trace().item<double>();
        double detA = (2 * 1) - (0.8 * 0.8), detB = (0.5 * 3) - (0.3 * 0.3);
        double expected = 3 + 3.5 - (2 * Math.Sqrt(trAb + (2 * Math.Sqrt(detA * detB))));
        Assert.Equal(expected, FrechetDistance.Between(mean, covA, mean, covB), 1e-9);
    }

    [Fact]
    public void Samples_of_a_shifted_and_scaled_gaussian_approach_the_closed_form()
    {
        // x ~ N(0, I_8) against 2x + 0.5 ~ N(0.5, 4 I_8): d^2 = 8 * 0.5^2 + 8 * (2 - 1)^2 = 10.
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(7);
        Tensor x = torch.randn([20_000, 8], generator: generator);
        Tensor y = (2 * torch.randn([20_000, 8], generator: generator)) + 0.5;
        Assert.Equal(10, FrechetDistance.Of(x, y), 0.3);
    }

    [Fact]
    public void Mismatched_or_too_small_sets_are_refused()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Contains("same width", Assert.Throws<ArgumentException>(() => FrechetDistance.Of(torch.zeros(5, 3), torch.zeros(5, 4))).Message, StringComparison.Ordinal);
        Assert.Contains("at least 2 rows", Assert.Throws<ArgumentException>(() => FrechetDistance.Of(torch.zeros(1, 3), torch.zeros(5, 3))).Message, StringComparison.Ordinal);
    }
}
