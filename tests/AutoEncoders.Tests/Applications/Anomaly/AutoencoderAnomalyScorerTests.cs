using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications.Anomaly;

public sealed class AutoencoderAnomalyScorerTests
{
    [Fact]
    public void Latent_neighbour_scores_leave_a_reference_row_out_and_standardise_to_mean_0_deviation_1_on_held_out_rows()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 3 });
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [6, 8, 3], OutputActivation = Activation.Linear }.Build();
        using var generator = new Generator(4);
        Tensor train = torch.randn(120, 6, generator: generator);
        Tensor heldOut = torch.randn(40, 6, generator: generator);
        var scorer = new AutoencoderAnomalyScorer([model], AnomalyScoreKind.LatentNeighbours, neighbours: 1);
        scorer.SetReference(train);

        // Unstandardised, a reference row's nearest code is its own (distance 0) unless it is left out.
        Assert.All(scorer.Score(train), s => Assert.Equal(0, s, 5));
        double[] leftOut = scorer.Score(train, rowsAreReference: true);
        Assert.All(leftOut, s => Assert.True(s > 0));

        scorer.Standardize(heldOut);
        double[] standardised = scorer.Score(heldOut);
        double mean = standardised.Average();
        Assert.Equal(0, mean, 6);
        Assert.Equal(1, Math.Sqrt(standardised.Sum(s => (s - mean) * (s - mean)) / standardised.Length), 6);
        ScoreStandardization fitted = scorer.Standardizations[0];
        Assert.Equal((leftOut[0] - fitted.NeighbourMean) / fitted.NeighbourDeviation, scorer.Score(train, rowsAreReference: true)[0], 6);
    }

    [Fact]
    public void Input_neighbour_score_is_the_mean_distance_to_the_k_nearest_reference_rows_leaving_out_held_out_rows_own_position()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 3 });
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [2, 4, 1], OutputActivation = Activation.Linear }.Build();

        // Reference rows on a line at 0, 1, 2, 3, 4, the last two also the held-out rows (offset 3).
        Tensor reference = torch.tensor(new float[] { 0, 0, 1, 0, 2, 0, 3, 0, 4, 0 }).reshape(5, 2);
        var scorer = new AutoencoderAnomalyScorer([model], AnomalyScoreKind.InputNeighbours, neighbours: 2);
        scorer.SetReference(reference);
        Assert.Empty(scorer.ReferenceCodes);

        // A new row at 10: nearest 4 and 3, mean distance 6.5. Held-out row 3 (itself left out): 2 and 4, mean 1.
        Assert.Equal(6.5, scorer.Score(torch.tensor(new float[] { 10, 0 }).reshape(1, 2))[0], 5);
        AnomalyScoreParts parts = scorer.ScoreParts(reference.narrow(0, 3, 2), referenceOffset: 3);
        Assert.Equal([1.0, 1.5], parts.InputNeighbours!.Select(v => Math.Round(v, 5)));
        Assert.Null(parts.Reconstruction);
        Assert.Null(parts.LatentNeighbours);

        // Standardised on those held-out rows (mean 1.25, deviation 0.25), the new row scores (6.5 - 1.25) / 0.25.
        scorer.Standardize(reference.narrow(0, 3, 2), referenceOffset: 3);
        Assert.Equal(new ScoreScale(1.25, 0.25), scorer.InputStandardization);
        Assert.Equal(21, scorer.Score(torch.tensor(new float[] { 10, 0 }).reshape(1, 2))[0], 4);
    }

    [Fact]
    public void Combined_score_averages_the_standardised_reconstruction_latent_and_input_neighbour_parts()
    {
        TorchRuntime.Configure(new RuntimeOptions { Seed = 5 });
        using Autoencoder a = new DenseAutoencoderConfig { Layers = [5, 2], OutputActivation = Activation.Linear }.Build();
        using Autoencoder b = new DenseAutoencoderConfig { Layers = [5, 3], OutputActivation = Activation.Linear }.Build();
        using var generator = new Generator(6);
        Tensor train = torch.randn(80, 5, generator: generator);
        Tensor heldOut = torch.randn(30, 5, generator: generator);
        Tensor rows = torch.randn(10, 5, generator: generator) * 3;
        var combined = new AutoencoderAnomalyScorer([a, b]);
        combined.SetReference(train);
        combined.Standardize(heldOut);
        var input = new AutoencoderAnomalyScorer([a], AnomalyScoreKind.InputNeighbours);
        input.SetReference(train);
        input.Standardize(heldOut);
        double[] inputPart = input.Score(rows);
        double[] expected = [.. inputPart.Select(v => 2 * v / 4)];
        foreach ((Autoencoder member, int m) in new[] { (a, 0), (b, 1) })
        {
            var alone = new AutoencoderAnomalyScorer([member], AnomalyScoreKind.Reconstruction);
            alone.Standardize(heldOut);
            var neighbours = new AutoencoderAnomalyScorer([member], AnomalyScoreKind.LatentNeighbours);
            neighbours.SetReference(train);
            neighbours.Standardize(heldOut);
            double[] r = alone.Score(rows), n = neighbours.Score(rows);
            for (int i = 0; i < 10; i++)
            {
                expected[i] += (r[i] + n[i]) / 8; // R and L averaged over the two members, then (R + L + 2I) / 4
            }

            Assert.Equal(alone.Standardizations[0].ReconstructionMean, combined.Standardizations[m].ReconstructionMean, 9);
        }

        double[] actual = combined.Score(rows);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(expected[i], actual[i], 6);
        }
    }

    [Theory]
    [InlineData(114, 7, new[] { 16, 4 }, 200, 32)] // 14_glass: 4 steps per epoch, so the 200-epoch cap
    [InlineData(5000, 36, new[] { 72, 16 }, 38, 64)] // 3000 / ceil(5000 / 64) = 37.97
    [InlineData(198_000, 10, new[] { 20, 5 }, 10, 512)] // 10_cover's training normals: the 10-epoch floor
    [InlineData(1000, 1555, new[] { 128, 16 }, 94, 32)] // 17_InternetAds' width: both widths capped; 3000 / 32 steps
    public void Sizing_follows_the_stated_rule(long rows, int width, int[] hidden, int epochs, int batch)
    {
        DetectorSizing sizing = DetectorSizing.For(rows, width);
        Assert.Equal(hidden, sizing.Hidden);
        Assert.Equal(epochs, sizing.Epochs);
        Assert.Equal(batch, sizing.BatchSize);
    }
}
