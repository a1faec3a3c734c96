namespace AutoEncoders.Applications.Anomaly;

/// <summary>What a <see cref="SequenceAnomalyDetector"/> scores a series (or window) by.</summary>
public enum SequenceScore
{
    /// <summary>Reconstruction error: the mean (or largest) per-step squared error.</summary>
    Reconstruction,

    /// <summary>Mean distance from the series' code to its k nearest codes of the training series (latent-space k-NN).</summary>
    Neighbours,

    /// <summary>
    /// Both, each divided by its median over the training series and then added: a series far from every normal
    /// code or badly reconstructed scores high, and neither score's scale dominates.
    /// </summary>
    Combined,
}
