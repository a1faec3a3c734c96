namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// The standardised parts of an anomaly score, one value per sample each (null where the score kind leaves a part
/// out), and their combination. 0 is a typical held-out normal sample; 3 is three deviations out.
/// </summary>
/// <param name="Total">The score: the weighted mean of the parts present (the input part weighs 2, the others 1), or for knn-max the largest of its three parts.</param>
/// <param name="Reconstruction">Standardised reconstruction error, averaged over the members.</param>
/// <param name="LatentNeighbours">Standardised latent k-NN distance, averaged over the members.</param>
/// <param name="InputNeighbours">Standardised input-space k-NN distance.</param>
/// <param name="Nearest">Scaled distance to the nearest training row (knn-max only).</param>
/// <param name="RankGaussNeighbours">Scaled k-NN distance after the rank-Gauss transform (knn-max only).</param>
public sealed record AnomalyScoreParts(double[] Total, double[]? Reconstruction, double[]? LatentNeighbours, double[]? InputNeighbours, double[]? Nearest = null, double[]? RankGaussNeighbours = null);
