namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Mean and standard deviation of one ensemble member's two raw scores on held-out normal samples; each raw score
/// becomes (score − mean) / deviation (a deviation of 0 counts as 1) before the scores are averaged.
/// </summary>
/// <param name="ReconstructionMean">Mean reconstruction score.</param>
/// <param name="ReconstructionDeviation">Standard deviation of the reconstruction score.</param>
/// <param name="NeighbourMean">Mean latent neighbour distance.</param>
/// <param name="NeighbourDeviation">Standard deviation of the latent neighbour distance.</param>
public sealed record ScoreStandardization(double ReconstructionMean, double ReconstructionDeviation, double NeighbourMean, double NeighbourDeviation)
{
    /// <summary>Scores left as they are (mean 0, deviation 1).</summary>
    public static ScoreStandardization Identity { get; } = new(0, 1, 0, 1);
}
