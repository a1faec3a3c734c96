namespace AutoEncoders.Objectives;

/// <summary>The kernel k(x, y) of an MMD term, with C = 2 d sigma^2 times each of the term's scales.</summary>
public enum MmdKernel
{
    /// <summary>
    /// The inverse multiquadratic kernel k(x, y) = C / (C + |x - y|^2) (Tolstikhin et al., 2018, section 4): its
    /// heavy tails keep gradients alive for codes far from the prior's samples, where a Gaussian kernel's vanish.
    /// </summary>
    InverseMultiquadratic,

    /// <summary>The Gaussian (RBF) kernel k(x, y) = exp(-|x - y|^2 / C), as in Zhao et al.'s MMD-VAE.</summary>
    Gaussian,
}
