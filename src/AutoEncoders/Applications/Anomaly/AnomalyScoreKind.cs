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
    /// Mean distance from the (normalised) sample to its k nearest training samples in input space: the k-NN
    /// baseline itself, standardised like the other parts (no autoencoder involved).
    /// </summary>
    InputNeighbours,

    /// <summary>
    /// The documented combination: reconstruction error, latent k-NN distance and input k-NN distance, each
    /// standardised by its mean and standard deviation on held-out normal samples (the first two averaged over the
    /// members), then averaged with equal weights.
    /// </summary>
    Combined,
}
