using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation;

public sealed class PriorMatchTests
{
    [Fact]
    public void The_unbiased_rbf_mmd_matches_a_hand_computation()
    {
        // x = {0, 1}, y = {0, 2}, s = 1: k(a, b) = exp(-(a - b)^2 / 2).
        using Tensor x = torch.tensor(new float[] { 0, 1 }).reshape(2, 1);
        using Tensor y = torch.tensor(new float[] { 0, 2 }).reshape(2, 1);
        double kxx = Math.Exp(-0.5), kyy = Math.Exp(-2), kxy = (1 + Math.Exp(-2) + (2 * Math.Exp(-0.5))) / 4;
        Assert.Equal(kxx + kyy - (2 * kxy), MaximumMeanDiscrepancy.SquaredRbf(x, y, 1.0), 12);

        // Pairwise distances of {0, 1, 0, 2}: 1, 0, 2, 1, 1, 2; the median of six is the lower middle one, 1.
        Assert.Equal(1.0, MaximumMeanDiscrepancy.MedianBandwidth(x, y), 12);
        Assert.Throws<ArgumentException>(() => MaximumMeanDiscrepancy.SquaredRbf(x, y, 0));
        Assert.Throws<ArgumentException>(() => MaximumMeanDiscrepancy.SquaredRbf(x[..1], y, 1));
    }

    [Fact]
    public void Samples_of_one_distribution_score_near_zero_and_a_shift_or_a_squeeze_does_not()
    {
        using var generator = new Generator(11);
        using var scope = torch.NewDisposeScope();
        Tensor prior = torch.randn([1000, 2], generator: generator);
        Tensor second = torch.randn([1000, 2], generator: generator);
        Tensor same = torch.randn([1000, 2], generator: generator);

        PriorMatch matched = PriorMatch.Compute(same, prior, second);
        Assert.InRange(matched.Mmd2, -0.005, 0.005);
        Assert.InRange(matched.Mmd2PriorVsPrior, -0.005, 0.005);
        Assert.InRange(matched.PriorStd[1], 0.9, 1.1);

        // Shifted by one standard deviation on the first axis: far in raw terms, invisible once standardised.
        PriorMatch shifted = PriorMatch.Compute(same + torch.tensor(new float[] { 1, 0 }), prior, second);
        Assert.True(shifted.Mmd2 > 0.1, $"a shift of one standard deviation should give a clear MMD^2; got {shifted.Mmd2:G3}");
        Assert.InRange(shifted.CodeMean[0], 0.9, 1.1);
        Assert.InRange(shifted.Mmd2Standardized, -0.005, 0.005);

        // A different shape (four tight clusters at (+-1, +-1), unit variance per axis) stays visible after standardising.
        Tensor clusters = torch.randn([1000, 2], generator: generator).sign() + (0.1 * torch.randn([1000, 2], generator: generator));
        PriorMatch four = PriorMatch.Compute(clusters, prior, second);
        // The median-heuristic bandwidth makes the kernel wide, so the standardised statistic is small here (about
        // 0.002), though above the noise of the matched samples (about 0.001).
        Assert.True(four.Mmd2Standardized > 0.001 && four.Mmd2Standardized > 2 * Math.Abs(matched.Mmd2Standardized), $"four clusters against a Gaussian should differ after standardising; got {four.Mmd2Standardized:G3} against {matched.Mmd2Standardized:G3} for matched samples");
        Assert.Equal(["code_mean_0", "code_std_0", "prior_mean_0", "prior_std_0"], four.ToDictionary().Keys.Take(4));
    }
}
