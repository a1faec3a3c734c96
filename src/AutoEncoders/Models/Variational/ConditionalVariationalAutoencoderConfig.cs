using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// A conditional variational autoencoder (Sohn, Lee and Yan, 2015, "Learning Structured Output Representation using
/// Deep Conditional Generative Models"; the class-conditional VAE of Kingma et al., 2014, M2 without the classifier):
/// the one-hot label y is concatenated to the encoder's input, q(z|x, y), and to the decoder's, p(x|z, y), with the
/// prior N(0, I) independent of y. Trained on labelled data with <c>nll</c> + <c>kl_divergence</c> (the conditional
/// ELBO of log p(x|y)); generating draws z from the prior and decodes it with the class asked for
/// (<c>ae generate --class 3</c>, <see cref="ConditionalVariationalAutoencoder.Generate"/>). An example whose label
/// is unknown (-1, or data without labels) gets the zero vector in place of the one-hot, as the adversarial
/// autoencoder's conditioned discriminator does; `ae train` refuses data with no labels at all.
/// </summary>
public sealed record ConditionalVariationalAutoencoderConfig : DenseVariationalAutoencoderConfig
{
    /// <summary>Number of classes K: labels are 0..K-1, one-hot encoded into K extra inputs of encoder and decoder.</summary>
    [JsonPropertyOrder(1)] // after the shared fields, as before they were shared
    public int Classes { get; init; } = 10;

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new ConditionalVariationalAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        ValidateDenseVariational("cvae");
        if (Classes < 2)
        {
            throw new ArgumentException($"classes (the number of labels the model is conditioned on) must be at least 2; found {Classes}.");
        }
    }
}
