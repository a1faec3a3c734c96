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
public sealed record ConditionalVariationalAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input (without the label) to the latent size, e.g. [784, 400, 20].</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 400, 20];

    /// <summary>Decoder sizes from the latent size (without the label) to the output; null mirrors the encoder.</summary>
    public IReadOnlyList<int>? DecoderLayers { get; init; }

    /// <summary>Number of classes K: labels are 0..K-1, one-hot encoded into K extra inputs of encoder and decoder.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Activation of the hidden layers of encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>What the spread head outputs: log sigma^2 (default) or sigma through a softplus.</summary>
    public SpreadParameterization Parameterization { get; init; } = SpreadParameterization.LogVariance;

    /// <summary>The decoder distribution p(x|z, y): Bernoulli (binary cross-entropy) or Gaussian (squared error).</summary>
    public ObservationLikelihood Likelihood { get; init; } = ObservationLikelihood.Bernoulli;

    /// <summary>Activation of the output layer, the mean of p(x|z, y): sigmoid or linear (Bernoulli needs sigmoid).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>The variance of a Gaussian likelihood (its starting value when <see cref="LearnVariance"/>).</summary>
    public double Variance { get; init; } = 1.0;

    /// <summary>Learn the Gaussian likelihood's variance (one scalar, as log sigma^2).</summary>
    public bool LearnVariance { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Layers[^1]];

    /// <summary>Size of z.</summary>
    [JsonIgnore]
    public int LatentSize => Layers[^1];

    /// <summary>The decoder sizes actually used (without the label): <see cref="DecoderLayers"/> or the mirrored encoder.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveDecoderLayers => DenseLayerSizes.EffectiveDecoder(Layers, DecoderLayers);

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new ConditionalVariationalAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        // The unconditional VAE's rules (layer sizes, likelihood, output activation, variance), with its field names.
        new VariationalAutoencoderConfig
        {
            Layers = Layers,
            DecoderLayers = DecoderLayers,
            Activation = Activation,
            Parameterization = Parameterization,
            Likelihood = Likelihood,
            OutputActivation = OutputActivation,
            Variance = Variance,
            LearnVariance = LearnVariance,
        }.Validate();
        if (Classes < 2)
        {
            throw new ArgumentException($"classes (the number of labels the model is conditioned on) must be at least 2; found {Classes}.");
        }
    }
}
