namespace AutoEncoders.Applications.Anomaly;

/// <summary>The model family behind an <see cref="AutoencoderAnomalyScorer"/>.</summary>
public enum DetectorKind
{
    /// <summary>One dense autoencoder trained on mean squared error.</summary>
    Dense,

    /// <summary>One dense autoencoder trained to undo Gaussian noise added to its inputs.</summary>
    Denoising,

    /// <summary>A variational autoencoder with a Gaussian decoder, scored by reconstruction probability (An and Cho, 2015).</summary>
    Variational,

    /// <summary>Several dense autoencoders (different seeds and code widths) whose standardised scores are averaged.</summary>
    Ensemble,
}
