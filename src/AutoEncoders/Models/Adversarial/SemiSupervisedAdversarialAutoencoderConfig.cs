using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// The semi-supervised adversarial autoencoder (Makhzani et al., "Adversarial Autoencoders", 2015, section 5): the
/// encoder gives a categorical code y = softmax (one unit per class) and a style code z; the decoder reconstructs
/// from [y, z]; one discriminator pushes y towards one-hot draws of a uniform categorical prior and another z towards
/// N(0, <see cref="StyleStd"/>^2 I); and a classification phase trains y by cross-entropy on the labelled examples.
/// Only <see cref="LabelledExamples"/> of the training labels are used (a class-balanced, seeded choice); the rest
/// of the data is used without labels. Trained by <see cref="SemiSupervisedAdversarialTrainingStep"/>.
/// </summary>
public sealed record SemiSupervisedAdversarialAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input to the last shared hidden layer, e.g. [784, 1000, 1000].</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 1000, 1000];

    /// <summary>Number of classes: the size of the categorical code y.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Size of the style code z.</summary>
    public int StyleSize { get; init; } = 10;

    /// <summary>Hidden sizes of the decoder from [y, z] to the output; null mirrors the encoder's hidden layers.</summary>
    public IReadOnlyList<int>? DecoderHidden { get; init; }

    /// <summary>Hidden sizes of each of the two discriminators (one logit out).</summary>
    public IReadOnlyList<int> DiscriminatorLayers { get; init; } = [1000, 1000];

    /// <summary>Activation of the hidden layers of the encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (sigmoid for data in [0, 1]).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>Standard deviation of the Gaussian prior of the style code.</summary>
    public double StyleStd { get; init; } = 1.0;

    /// <summary>The discriminator and generator phases run at this multiple of the learning rate (Adam beta1 0.5).</summary>
    public double AdversarialLearningRateFactor { get; init; } = 0.5;

    /// <summary>How many training labels the classification phase may use (class-balanced); null uses every label.</summary>
    public int? LabelledExamples { get; init; } = 100;

    /// <summary>Seed of the choice of the labelled examples and of the labelled mini-batches.</summary>
    public int LabelSeed { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Classes + StyleSize];

    /// <summary>The decoder's hidden sizes actually used.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveDecoderHidden => DecoderHidden ?? [.. Layers.Skip(1).Reverse()];

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new SemiSupervisedAdversarialAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Layers is null || Layers.Count < 2 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"layers needs positive sizes from the input to the last hidden layer, e.g. [784, 1000, 1000]; found [{string.Join(", ", Layers ?? [])}].");
        }

        if (Classes < 2)
        {
            throw new ArgumentException($"classes must be at least 2; found {Classes}.");
        }

        if (StyleSize < 1)
        {
            throw new ArgumentException($"styleSize must be at least 1; found {StyleSize}.");
        }

        if ((DecoderHidden is not null && DecoderHidden.Any(s => s < 1)) || DiscriminatorLayers is null || DiscriminatorLayers.Any(s => s < 1))
        {
            throw new ArgumentException("decoderHidden and discriminatorLayers must be positive hidden sizes, e.g. [1000, 1000].");
        }

        if (!(StyleStd > 0) || double.IsInfinity(StyleStd))
        {
            throw new ArgumentException($"styleStd must be a positive number; found {StyleStd}.");
        }

        if (!(AdversarialLearningRateFactor > 0) || double.IsInfinity(AdversarialLearningRateFactor))
        {
            throw new ArgumentException($"adversarialLearningRateFactor must be a positive number; found {AdversarialLearningRateFactor}.");
        }

        if (LabelledExamples is < 1)
        {
            throw new ArgumentException($"labelledExamples must be at least 1 (or left out to use every label); found {LabelledExamples}.");
        }
    }
}
