using System.Text.Json.Serialization;
using AutoEncoders.Models.Convolutional;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// A convolutional variational autoencoder (Kingma and Welling, 2014, with convolutional encoder and decoder as in
/// the Keras and TensorFlow VAE examples): the encoder's layer specs map an image [C, H, W] to feature maps, which
/// are flattened into two linear heads for the mean and the spread of q(z|x) = N(mu, diag sigma^2); the decoder is
/// a linear layer from z to <see cref="DecoderInput"/> [C', H', W'] followed by its layer specs back to the image,
/// whose last activation gives the mean of p(x|z) (<see cref="Likelihood"/>). Train it with the objective
/// <c>nll</c> + <c>kl_divergence</c>. Refused at <see cref="Validate"/> (before any training) when the decoder does
/// not return to the input shape, with the shapes that show why.
/// </summary>
public sealed record ConvolutionalVariationalAutoencoderConfig : ModelConfig
{
    private const string Where = "model (conv_vae)";

    /// <summary>Image channels (1 grey, 3 RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 28;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 28;

    /// <summary>Layers from the image to the feature maps that the heads read (flattened).</summary>
    public IReadOnlyList<ConvLayerSpec> Encoder { get; init; } = [];

    /// <summary>Size of z.</summary>
    public int LatentSize { get; init; } = 16;

    /// <summary>[channels, height, width] that the linear layer from z produces for the first decoder layer, e.g. [64, 7, 7].</summary>
    public IReadOnlyList<int> DecoderInput { get; init; } = [];

    /// <summary>Activation after the linear layer from z.</summary>
    public Activation DecoderInputActivation { get; init; } = Activation.Relu;

    /// <summary>Layers from <see cref="DecoderInput"/> back to the image; the last one's activation is the output activation.</summary>
    public IReadOnlyList<ConvLayerSpec> Decoder { get; init; } = [];

    /// <summary>What the spread head outputs: log sigma^2 (default) or sigma through a softplus.</summary>
    public SpreadParameterization Parameterization { get; init; } = SpreadParameterization.LogVariance;

    /// <summary>The decoder distribution p(x|z): Bernoulli (binary cross-entropy) or Gaussian (squared error).</summary>
    public ObservationLikelihood Likelihood { get; init; } = ObservationLikelihood.Bernoulli;

    /// <summary>The variance of a Gaussian likelihood (its starting value when <see cref="LearnVariance"/>).</summary>
    public double Variance { get; init; } = 1.0;

    /// <summary>Learn the Gaussian likelihood's variance (one scalar, as log sigma^2; Rybkin et al., 2021).</summary>
    public bool LearnVariance { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Channels, Height, Width];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [LatentSize];

    /// <summary>
    /// The activation that produces the output, the mean of p(x|z): that of the last decoder layer when it is a
    /// convolution or an activation layer, otherwise linear.
    /// </summary>
    [JsonIgnore]
    public Activation OutputActivation => Decoder is null || Decoder.Count == 0 ? Activation.Linear : Decoder[^1] switch
    {
        Conv2dSpec conv => conv.Activation,
        ConvTranspose2dSpec deconv => deconv.Activation,
        ActivationSpec activation => activation.Function,
        _ => Activation.Linear,
    };

    /// <summary>Values of the encoder's last feature maps, the input size of the mean and spread heads.</summary>
    [JsonIgnore]
    public long FlattenedSize => Infer(throwOnProblem: true).Rows[Encoder.Count].Shape.Aggregate(1L, (a, b) => a * b);

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new ConvolutionalVariationalAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate() => Infer(throwOnProblem: true);

    /// <summary>The shape after every layer, from the input through the encoder, then from <see cref="DecoderInput"/> through the decoder.</summary>
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

    /// <summary>Checks the fields and works out the shapes.</summary>
    internal ConvShapeInference Infer(bool throwOnProblem)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
        {
            throw new ArgumentException($"{Where}: channels, height and width must be positive; found [{Channels}, {Height}, {Width}].");
        }

        if (Encoder is null || Encoder.Count == 0)
        {
            throw new ArgumentException($"{Where}: encoder needs at least one layer, e.g. {{\"type\": \"conv2d\", \"filters\": 32, \"stride\": 2, \"padding\": 1, \"activation\": \"relu\"}}.");
        }

        if (Decoder is null || Decoder.Count == 0)
        {
            throw new ArgumentException($"{Where}: decoder needs at least one layer that returns to the input shape.");
        }

        if (LatentSize < 1)
        {
            throw new ArgumentException($"{Where}: latentSize must be at least 1; found {LatentSize}.");
        }

        if (DecoderInput is null || DecoderInput.Count != 3 || DecoderInput.Any(s => s < 1))
        {
            throw new ArgumentException($"{Where}: decoderInput must be the [channels, height, width] the linear layer from z makes for the decoder, e.g. [64, 7, 7]; found [{string.Join(", ", DecoderInput ?? [])}].");
        }

        ConvSpecChecks.KnownActivation($"{Where}: decoderInputActivation", DecoderInputActivation);
        ConvSpecChecks.Layers(Where, Encoder, Decoder);

        ConvShapeInference inference = ConvShapeInference.Run([Channels, Height, Width], Encoder, [.. DecoderInput.Select(s => (long)s)], Decoder);
        if (throwOnProblem && inference.Problem is not null)
        {
            throw Refusal(inference);
        }

        if (throwOnProblem)
        {
            CheckLikelihood();
        }

        return inference;
    }

    private void CheckLikelihood()
    {
        if (OutputActivation is not (Activation.Sigmoid or Activation.Linear))
        {
            throw new ArgumentException($"{Where}: the last decoder layer's activation is the mean of p(x|z) and must be sigmoid or linear; found {OutputActivation}.");
        }

        if (Likelihood == ObservationLikelihood.Bernoulli && OutputActivation != Activation.Sigmoid)
        {
            throw new ArgumentException($"{Where}: likelihood bernoulli needs a last decoder layer with activation sigmoid (its pre-activation is the logits); use likelihood gaussian for a linear output.");
        }

        if (!(Variance > 0) || double.IsInfinity(Variance))
        {
            throw new ArgumentException($"{Where}: variance of the gaussian likelihood must be a positive number; found {Variance}.");
        }

        if (LearnVariance && Likelihood != ObservationLikelihood.Gaussian)
        {
            throw new ArgumentException($"{Where}: learnVariance applies to likelihood gaussian only.");
        }
    }

    private ArgumentException Refusal(ConvShapeInference inference) => new(
        $"{Where}: {inference.Problem}\nShape [channels, height, width] after each layer:\n{inference.Table()}" +
        "Change decoderInput or the decoder's kernel sizes, strides, paddings or outputPadding so that its up-sampling " +
        $"ends with {Channels} channel(s) at {Height}x{Width}.");
}
