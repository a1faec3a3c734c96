namespace AutoEncoders.Models.Variational;

/// <summary>The decoder's distribution p(x|z), whose negative log is the reconstruction term in nats.</summary>
public enum ObservationLikelihood
{
    /// <summary>Independent Bernoulli pixels with probabilities sigmoid(logits): binary cross-entropy summed over values.</summary>
    Bernoulli,

    /// <summary>
    /// Independent Gaussians around the decoder output with one variance, fixed or learned: squared error over
    /// 2 sigma^2 plus the normaliser, summed over values.
    /// </summary>
    Gaussian,
}
