namespace AutoEncoders.Models.Variational;

/// <summary>What the encoder's second head outputs for the spread of q(z|x) = N(mu, diag sigma^2).</summary>
public enum SpreadParameterization
{
    /// <summary>
    /// gamma = log sigma^2, sigma = exp(gamma / 2) (Kingma and Welling, 2014): unconstrained, and the one that
    /// converges faster (Dai and Wipf, 2019).
    /// </summary>
    LogVariance,

    /// <summary>sigma itself, made positive with a softplus (plus a floor of <see cref="VariationalModel.SigmaFloor"/>).</summary>
    Sigma,
}
