namespace AutoEncoders.Models.VectorQuantized;

/// <summary>How a VQ-VAE's codebook learns (van den Oord et al., 2017, section 3.2 and appendix A.1).</summary>
public enum CodebookUpdate
{
    /// <summary>
    /// Exponential moving averages of the code counts and of the sums of the encoder outputs assigned to each code,
    /// with Laplace-smoothed counts (Sonnet's VectorQuantizerEMA); the codebook takes no gradient.
    /// </summary>
    Ema,

    /// <summary>The codebook loss ||sg(z_e) - e||^2, minimised by the optimiser with the other weights.</summary>
    Loss,
}
