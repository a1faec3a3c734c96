using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// An adversarial autoencoder (Makhzani et al., 2015): a deterministic dense encoder and decoder plus a
/// discriminator on the codes that tells codes of data from draws of <see cref="Prior"/>; trained by
/// <see cref="AdversarialTrainingStep"/> in alternating reconstruction, discriminator and generator phases, so
/// the aggregated posterior q(z) matches the prior and decoding prior draws generates data.
/// </summary>
public sealed record AdversarialAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input to the code, e.g. [784, 1000, 1000, 2].</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 512, 512, 2];

    /// <summary>Decoder sizes from the code to the output; null mirrors the encoder.</summary>
    public IReadOnlyList<int>? DecoderLayers { get; init; }

    /// <summary>Hidden sizes of the discriminator (its input is the code, its output one logit).</summary>
    public IReadOnlyList<int> DiscriminatorLayers { get; init; } = [512, 512];

    /// <summary>Activation of hidden layers of the encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (sigmoid for data in [0, 1], linear otherwise).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>
    /// The discriminator and generator phases run at this multiple of the trainer's learning rate, with Adam's
    /// beta1 = 0.5 (Radford et al., 2016): a slower, less momentum-driven game oscillates less.
    /// </summary>
    public double AdversarialLearningRateFactor { get; init; } = 0.5;

    /// <summary>The prior the codes are pushed towards.</summary>
    public AdversarialPrior Prior { get; init; } = new();

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Layers[^1]];

    /// <summary>The decoder sizes actually used.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveDecoderLayers => DenseLayerSizes.EffectiveDecoder(Layers, DecoderLayers);

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new AdversarialAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Layers is null || Layers.Count < 2 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"layers needs positive sizes from the input to the code, e.g. [784, 512, 512, 2]; found [{string.Join(", ", Layers ?? [])}].");
        }

        IReadOnlyList<int> decoder = EffectiveDecoderLayers;
        DenseLayerSizes.ValidateDecoder(Layers, decoder);

        if (DiscriminatorLayers is null || DiscriminatorLayers.Any(s => s < 1))
        {
            throw new ArgumentException("discriminatorLayers must be positive hidden sizes, e.g. [512, 512].");
        }

        if (Prior is null)
        {
            throw new ArgumentException("prior is required (e.g. { \"kind\": \"gaussian\" }).");
        }

        if (!(AdversarialLearningRateFactor > 0) || double.IsInfinity(AdversarialLearningRateFactor))
        {
            throw new ArgumentException($"adversarialLearningRateFactor must be a positive number; found {AdversarialLearningRateFactor}.");
        }

        Prior.Validate();
    }
}
