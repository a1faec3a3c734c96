using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// A fully connected variational autoencoder (Kingma and Welling, 2014), e.g. 784-400-20: hidden layers, then two
/// heads for the mean and the spread of q(z|x) = N(mu, diag sigma^2), a reparameterised sample
/// z = mu + sigma * eps, and a decoder whose output parameterises p(x|z) (<see cref="DenseVariationalAutoencoderConfig.Likelihood"/>). Train it with
/// the objective <c>nll</c> + <c>kl_divergence</c> (the negative ELBO, in nats per example).
/// </summary>
public sealed record VariationalAutoencoderConfig : DenseVariationalAutoencoderConfig
{
    /// <summary>
    /// The VampPrior (Tomczak and Welling, 2018): the prior as a mixture of the posteriors at learned pseudo-inputs;
    /// null keeps N(0, I).
    /// </summary>
    [JsonPropertyOrder(1)] // after the shared fields, as before they were shared
    public VampPriorConfig? VampPrior { get; init; }

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new VariationalAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        ValidateDenseVariational("vae");
        VampPrior?.Validate();
    }
}
