namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// The shape of a <see cref="FeatureClassifier"/>: images of <see cref="Channels"/> x <see cref="Height"/> x
/// <see cref="Width"/> values in [0, 1] (a flat row of that many values is reshaped), <see cref="Classes"/> labels.
/// </summary>
public sealed record FeatureClassifierConfig
{
    /// <summary>Image channels (1 for MNIST and Fashion-MNIST).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height; a multiple of 4 (two 2x2 poolings).</summary>
    public int Height { get; init; } = 28;

    /// <summary>Image width; a multiple of 4.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; } = 10;

    /// <summary>Size of the penultimate layer, the feature space of the Fréchet distance.</summary>
    public int FeatureSize { get; init; } = 128;

    /// <summary>Refuses shapes the network cannot take, naming the field.</summary>
    public void Validate()
    {
        if (Channels < 1 || Height < 4 || Width < 4 || Height % 4 != 0 || Width % 4 != 0)
        {
            throw new ArgumentException($"feature classifier: images must have at least 1 channel and a height and width that are multiples of 4; found {Channels}x{Height}x{Width}.");
        }

        if (Classes < 2 || FeatureSize < 2)
        {
            throw new ArgumentException($"feature classifier: needs at least 2 classes and 2 features; found {Classes} and {FeatureSize}.");
        }
    }
}
