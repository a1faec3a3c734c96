using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// A convolutional autoencoder from two lists of layer specs: the encoder maps an image [C, H, W] to a code
/// [C', H', W'], the decoder maps the code back to [C, H, W]. Grey or colour images of any size; the spec is
/// refused at <see cref="Validate"/> (before any training) when the layers cannot return to the input size.
/// </summary>
public sealed record ConvolutionalAutoencoderConfig : ModelConfig
{
    /// <summary>Image channels (1 grey, 3 RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 28;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Layers from the image to the code.</summary>
    public IReadOnlyList<ConvLayerSpec> Encoder { get; init; } = [];

    /// <summary>Layers from the code back to the image; the last one's activation is the output activation.</summary>
    public IReadOnlyList<ConvLayerSpec> Decoder { get; init; } = [];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Channels, Height, Width];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [.. Infer(throwOnProblem: true).Rows[Encoder.Count].Shape];

    /// <summary>
    /// The activation that produces the output: that of the last decoder layer when it is a convolution or an
    /// activation layer, otherwise linear.
    /// </summary>
    [JsonIgnore]
    public Activation OutputActivation => Decoder.Count == 0 ? Activation.Linear : Decoder[^1] switch
    {
        Conv2dSpec conv => conv.Activation,
        ConvTranspose2dSpec deconv => deconv.Activation,
        ActivationSpec activation => activation.Function,
        _ => Activation.Linear,
    };

    /// <summary>The shape after every layer, from the input through the code to the output, worked out without building the model.</summary>
    /// <exception cref="ArgumentException">A layer cannot be applied to its input (the message shows the shapes so far).</exception>
    public IReadOnlyList<ConvLayerShape> LayerShapes()
    {
        ConvShapeInference inference = Infer(throwOnProblem: false);
        if (inference.Rows.Count < Encoder.Count + Decoder.Count + 1)
        {
            throw Refusal(inference);
        }

        return inference.Rows;
    }

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new ConvolutionalAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate() => Infer(throwOnProblem: true);

    /// <summary>Checks the fields, works out the shapes and pairs unpooling layers with their pooling layers.</summary>
    internal ConvShapeInference Infer(bool throwOnProblem)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
        {
            throw new ArgumentException($"model (convolutional): channels, height and width must be positive; found [{Channels}, {Height}, {Width}].");
        }

        if (Encoder is null || Encoder.Count == 0)
        {
            throw new ArgumentException("model (convolutional): encoder needs at least one layer, e.g. {\"type\": \"conv2d\", \"filters\": 16, \"padding\": \"same\"}.");
        }

        if (Decoder is null || Decoder.Count == 0)
        {
            throw new ArgumentException("model (convolutional): decoder needs at least one layer that returns to the input shape.");
        }

        ConvSpecChecks.Layers("model (convolutional)", Encoder, Decoder);

        ConvShapeInference inference = ConvShapeInference.Run(this);
        if (throwOnProblem && inference.Problem is not null)
        {
            throw Refusal(inference);
        }

        return inference;
    }

    private ArgumentException Refusal(ConvShapeInference inference) => new(
        $"model (convolutional): {inference.Problem}\nShape [channels, height, width] after each layer:\n{inference.Table()}" +
        "Change kernel sizes, strides, paddings, outputPadding or ceilMode so that each up-sampling undoes its down-sampling " +
        $"and the decoder ends with {Channels} channel(s) at {Height}x{Width}.");
}
