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
    public void Combined_score_averages_the_standardised_reconstruction_and_neighbour_scores_over_members()
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
        double[] expected = new double[10];
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
                expected[i] += (r[i] + n[i]) / 4;
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
