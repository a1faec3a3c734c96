namespace AutoEncoders.Models.Variational;

/// <summary>
/// The VampPrior of Tomczak and Welling (2018, "VAE with a VampPrior"): p(z) = (1/K) sum_k q(z | u_k), the uniform
/// mixture of the encoder's own posteriors at K learned pseudo-inputs u_k (a learned [K, input] matrix, passed
/// through <see cref="PseudoInputActivation"/>). The KL term becomes the single-sample estimate
/// log q(z|x) - log p(z); generation picks a component k uniformly, then z ~ q(z | u_k).
/// </summary>
public sealed record VampPriorConfig
{
    /// <summary>Number of pseudo-inputs K (the paper uses 500 on MNIST); at least 1.</summary>
    public int Components { get; init; } = 500;

    /// <summary>What the pseudo-inputs go through before the encoder: hardtanh to [0, 1] (the paper's), sigmoid or linear.</summary>
    public PseudoInputActivation PseudoInputActivation { get; init; } = PseudoInputActivation.Hardtanh;

    /// <summary>Mean of the normal the pseudo-inputs start from (the paper's 0.05 for MNIST).</summary>
    public double InitialMean { get; init; } = 0.05;

    /// <summary>Standard deviation of the normal the pseudo-inputs start from (the paper's 0.01); 0 or more.</summary>
    public double InitialStd { get; init; } = 0.01;

    /// <summary>Throws <see cref="ArgumentException"/> naming the field that cannot work.</summary>
    public void Validate()
    {
        if (Components < 1)
        {
            throw new ArgumentException($"vampPrior.components (the number of pseudo-inputs K) must be 1 or more; found {Components}.");
        }

        if (!double.IsFinite(InitialMean))
        {
            throw new ArgumentException($"vampPrior.initialMean must be a finite number; found {InitialMean}.");
        }

        if (!(InitialStd >= 0) || double.IsInfinity(InitialStd))
        {
            throw new ArgumentException($"vampPrior.initialStd must be a finite number, 0 or more; found {InitialStd}.");
        }
    }
}
