using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications.Anomaly;

/// <summary>The knn-max score's pieces: the rank-Gauss transform, the robust scale and their maximum.</summary>
public sealed class NeighbourMaximumScoreTests
{
    [Fact]
    public void Rank_gauss_maps_each_value_to_the_normal_quantile_of_its_mid_rank_among_the_reference_column()
    {
        // Column 0: 1, 2, 3; column 1: 1, 1, 2 (a tie).
        using Tensor reference = torch.tensor(new float[] { 1, 1, 2, 1, 3, 2 }).reshape(3, 2);
        using Tensor sorted = RankGaussTransform.Fit(reference);
        using Tensor queries = torch.tensor(new float[] { 2, 1, 10, 5, -5, 0 }).reshape(3, 2);
        using Tensor result = RankGaussTransform.Apply(sorted, queries);
        float[] values = result.data<float>().ToArray();

        // 2 in column 0: mid-rank 1.5, u = 2 / 4 = 0.5 -> 0. 1 in column 1: ranks 0..2, mid 1, u = 1.5 / 4 -> -0.3186.
        // 10 (beyond all): rank 3, u = 3.5 / 4 -> 1.1503; -5 (below all): u = 0.5 / 4 -> -1.1503.
        double[] expected = [0, -0.318639, 1.150349, 1.150349, -1.150349, -1.150349];
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], values[i], 4);
        }
    }

    [Fact]
    public void Rank_gauss_counts_a_value_within_float_rounding_of_a_tied_reference_value_as_tied()
    {
        // Three reference values of 1 and one of 2. 1 and 1 + 2 ulps (the same raw value normalised by another code
        // path) both take the tie block's mid-rank 1.5 -> Φ⁻¹(2 / 5) = -0.2533; 1.001 lies above the block.
        using Tensor reference = torch.tensor(new float[] { 1, 1, 1, 2 }).reshape(4, 1);
        using Tensor sorted = RankGaussTransform.Fit(reference);
        using Tensor queries = torch.tensor(new float[] { 1, 1.00000024f, 1.001f }).reshape(3, 1);
        using Tensor result = RankGaussTransform.Apply(sorted, queries);
        float[] values = result.data<float>().ToArray();
        Assert.Equal(-0.253347, values[0], 4);
        Assert.Equal(-0.253347, values[1], 4);
        Assert.Equal(0.524401, values[2], 4); // rank 3: Φ⁻¹(3.5 / 5)
    }

    [Fact]
    public void Robust_scale_is_the_median_and_the_gap_to_the_90th_percentile_falling_back_to_the_deviation()
    {
        // 1..11: median 6, 90th percentile at position 9 = 10.
        Assert.Equal(new ScoreScale(6, 4), ScoreScale.Robust([.. Enumerable.Range(1, 11).Select(i => (double)i)]));

        // Two values interpolate: median 1.25, 90th percentile 1.45.
        ScoreScale two = ScoreScale.Robust([1.5, 1.0]);
        Assert.Equal(1.25, two.Mean, 12);
        Assert.Equal(0.2, two.Deviation, 12);

        // No gap: the population deviation, and 1 when that is 0 too.
        Assert.Equal(new ScoreScale(5, 1), ScoreScale.Robust([5.0, 5.0, 5.0]));
        Assert.Equal(ScoreScale.Identity, ScoreScale.Robust([]));
    }

    [Fact]
    public void Knn_max_is_the_largest_of_the_robustly_scaled_mean_nearest_and_rank_gauss_neighbour_distances()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 3 });
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [2, 4, 1], OutputActivation = Activation.Linear }.Build();

        // Reference rows on a line at 0..4 (second column constant), the last two also the held-out rows.
        Tensor reference = torch.tensor(new float[] { 0, 0, 1, 0, 2, 0, 3, 0, 4, 0 }).reshape(5, 2);
        var scorer = new AutoencoderAnomalyScorer([model], AnomalyScoreKind.NeighbourMaximum, neighbours: 2);
        scorer.SetReference(reference);
        Assert.Empty(scorer.ReferenceCodes);
        Assert.False(scorer.UsesReconstruction);

        // Held out (each left out of its own neighbours): row 3 has mean distance 1 and nearest 1, row 4 1.5 and 1.
        // Rank-Gauss values of column 0 are Φ⁻¹(1/6 .. 5/6) = -0.9674, -0.4307, 0, 0.4307, 0.9674: row 3's two
        // nearest there are at 0.4307 and 0.5367 (mean 0.4837), row 4's at 0.5367 and 0.9674 (mean 0.7521).
        AnomalyScoreParts held = scorer.Standardize(reference.narrow(0, 3, 2), referenceOffset: 3);
        Assert.Equal(1.25, scorer.InputStandardization.Mean, 5);
        Assert.Equal(0.2, scorer.InputStandardization.Deviation, 5);
        Assert.Equal(new ScoreScale(1, 1), scorer.NearestStandardization);
        Assert.Equal(0.6179, scorer.RankGaussStandardization.Mean, 3);
        Assert.Equal(0.1073, scorer.RankGaussStandardization.Deviation, 3);
        Assert.Equal(held.Total, held.InputNeighbours!.Select((v, i) => Math.Max(v, Math.Max(held.Nearest![i], held.RankGaussNeighbours![i]))));

        // A new row at 10: mean distance 6.5 -> 26.25, nearest 6 -> 5; rank-Gauss Φ⁻¹(5.5/6) = 1.3830, its two nearest
        // at 0.4156 and 0.9523 (mean 0.6840) -> 0.616. The score is the largest, 26.25.
        AnomalyScoreParts far = scorer.ScoreParts(torch.tensor(new float[] { 10, 0 }).reshape(1, 2));
        Assert.Equal(26.25, far.InputNeighbours![0], 3);
        Assert.Equal(5, far.Nearest![0], 4);
        Assert.Equal(0.616, far.RankGaussNeighbours![0], 2);
        Assert.Equal(26.25, far.Total[0], 3);
        Assert.Null(far.Reconstruction);
        Assert.Null(far.LatentNeighbours);

        // The exported detector gives the same score in ONNX Runtime (its rank-Gauss part included).
        using var temp = new TempDirectory();
        string onnx = temp.Write("detector.onnx", OnnxDetectorExporter.Build(scorer, null, 1.0));
        Assert.Equal(26.25, OnnxRuntimeRun.Run(onnx, ("input", [10f, 0f], [1, 2]))["score"].Values[0], 3);
    }
}
