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
    /// The documented combination: reconstruction error R, latent k-NN distance L and input k-NN distance I, each
    /// standardised by its mean and standard deviation on held-out normal samples (R and L averaged over the
    /// members), combined as (R + L + 2·I) / 4. The weights were chosen on validation splits of training data only
    /// (bench/anomaly/select.sh); the input-space part is the k-NN baseline itself, which the combination leans on.
    /// </summary>
    Combined,

    /// <summary>
    /// knn-max, the table default since December 2026 (images keep <see cref="Combined"/>): no autoencoder, the
    /// largest of three input-space parts, each scaled by its median and the gap to its 90th percentile on held-out
    /// normal samples: the mean distance to the k nearest training rows, the distance to the nearest, and the mean
    /// distance to the k nearest after a per-column rank-Gauss transform fitted on the training rows. Chosen on
    /// development splits (bench/anomaly/DEVELOPMENT.md), never on the reported ones.
    /// </summary>
    NeighbourMaximum,
}
