namespace AutoEncoders.Applications.Anomaly;

/// <summary>Which evidence an autoencoder anomaly score uses.</summary>
public enum AnomalyScoreKind
{
    /// <summary>
    /// Reconstruction error: the mean squared error per feature, or for a variational model the negative
    /// reconstruction log-probability averaged over samples of q(z|x) (An and Cho, 2015).
    /// </summary>
    Reconstruction,

    /// <summary>Mean distance from the sample's code to its k nearest training codes in latent space.</summary>
    LatentNeighbours,

    /// <summary>
    /// Both: each standardised by its mean and standard deviation on held-out normal samples, then averaged
    /// (over the two scores and over the ensemble's members).
    /// </summary>
    Combined,
}
