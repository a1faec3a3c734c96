using AutoEncoders.Models.Dense;

namespace AutoEncoders.Models.Classification;

/// <summary>
/// A dense encoder with a softmax head: the encoder of a (pretrained) dense autoencoder, e.g. 784-500-250-100,
/// followed by one affine layer to the class logits. With only the input size in <see cref="Layers"/> it is a
/// linear (multinomial logistic regression) classifier, the linear probe on frozen codes.
/// </summary>
public sealed record EncoderClassifierConfig
{
    /// <summary>Encoder sizes from the input to the last hidden layer, e.g. [784, 500, 250, 100].</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 500, 250, 100];

    /// <summary>Activation of every encoder layer when <see cref="Activations"/> is null.</summary>
    public Activation Activation { get; init; } = Activation.Sigmoid;

    /// <summary>Per-layer encoder activations (one per encoder layer), or null.</summary>
    public IReadOnlyList<Activation>? Activations { get; init; }

    /// <summary>Number of classes (outputs of the softmax head).</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Dropout probability on each hidden layer's output (0 turns it off).</summary>
    public double Dropout { get; init; }

    /// <summary>Number of encoder (hidden) layers.</summary>
    public int EncoderDepth => Layers.Count - 1;

    /// <summary>Activation of encoder layer <paramref name="i"/>.</summary>
    public Activation EncoderActivation(int i) => Activations?[i] ?? Activation;

    /// <summary>The classifier with the same encoder as <paramref name="autoencoder"/> (sizes and activations).</summary>
    public static EncoderClassifierConfig For(DenseAutoencoderConfig autoencoder, int classes)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        return new EncoderClassifierConfig
        {
            Layers = [.. autoencoder.Layers],
            Activations = Enumerable.Range(0, autoencoder.Layers.Count - 1).Select(autoencoder.EncoderActivation).ToArray(),
            Classes = classes,
        };
    }

    /// <summary>
    /// The classifier on the encoder of a pretrained model of any kind: only dense autoencoders have an encoder a
    /// classifier can take over.
    /// </summary>
    /// <exception cref="ArgumentException">Another kind of model; the message names it.</exception>
    public static EncoderClassifierConfig ForPretrained(ModelConfig autoencoder, int classes) => autoencoder is DenseAutoencoderConfig dense
        ? For(dense, classes)
        : throw new ArgumentException($"fine-tuning needs a dense autoencoder; this one is {autoencoder?.GetType().Name}.");

    /// <summary>Builds the module with PyTorch's default initialisation.</summary>
    public EncoderClassifier Build()
    {
        Validate();
        return new EncoderClassifier(this);
    }

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (Layers is null || Layers.Count < 1 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"classifier layers need at least the input size, all positive; found [{string.Join(", ", Layers ?? [])}].");
        }

        if (Classes < 2)
        {
            throw new ArgumentException($"classifier classes must be at least 2; found {Classes}.");
        }

        if (Activations is not null && Activations.Count != EncoderDepth)
        {
            throw new ArgumentException($"classifier activations need one entry per encoder layer ({EncoderDepth}); found {Activations.Count}.");
        }

        if (Dropout is < 0 or >= 1)
        {
            throw new ArgumentException($"classifier dropout must lie in [0, 1); found {Dropout}.");
        }
    }
}
