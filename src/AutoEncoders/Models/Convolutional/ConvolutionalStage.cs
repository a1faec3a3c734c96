namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// One stage of a stacked convolutional autoencoder (Masci et al., 2011): encoder layers that map the previous
/// stage's code (the image for the first stage) to a new code, and decoder layers that map it back to the
/// stage's own input shape. Unpooling layers of the decoder pair with pooling layers of this stage's encoder.
/// </summary>
public sealed record ConvolutionalStage
{
    /// <summary>A label used in logs and errors; null names the stage by its position ("stage 2").</summary>
    public string? Name { get; init; }

    /// <summary>Layers from the stage's input to its code.</summary>
    public IReadOnlyList<ConvLayerSpec> Encoder { get; init; } = [];

    /// <summary>Layers from the stage's code back to its input shape.</summary>
    public IReadOnlyList<ConvLayerSpec> Decoder { get; init; } = [];
}
