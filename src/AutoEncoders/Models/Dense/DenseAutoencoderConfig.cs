using System.Text.Json.Serialization;
using AutoEncoders.Models.Sparsity;

namespace AutoEncoders.Models.Dense;

/// <summary>
/// A fully connected autoencoder from a layer list, e.g. 784-1000-500-250-30 (Hinton and Salakhutdinov, 2006):
/// symmetric by default, or with an explicit decoder; optional tied weights, batch norm, dropout and a hard
/// sparsity constraint on the code.
/// </summary>
public sealed record DenseAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input to the code, e.g. [784, 1000, 500, 250, 30].</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 32];

    /// <summary>Decoder sizes from the code to the output, e.g. [30, 250, 500, 1000, 784]; null mirrors the encoder.</summary>
    public IReadOnlyList<int>? DecoderLayers { get; init; }

    /// <summary>Activation of hidden layers (not the code or output layer).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Activation of the code layer.</summary>
    public Activation CodeActivation { get; init; } = Activation.Linear;

    /// <summary>Activation of the output layer (sigmoid for data in [0, 1]).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>Per-layer encoder activations (one per encoder layer, the last is the code's); overrides the two above.</summary>
    public IReadOnlyList<Activation>? EncoderActivations { get; init; }

    /// <summary>Per-layer decoder activations (one per decoder layer, the last is the output's).</summary>
    public IReadOnlyList<Activation>? DecoderActivations { get; init; }

    /// <summary>Decoder layer L uses the transpose of encoder layer N-L+1's weight (own biases).</summary>
    public bool TiedWeights { get; init; }

    /// <summary>Batch normalisation after each hidden affine layer (not the code or output).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Dropout probability after each hidden layer (not the code or output); 0 turns it off.</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Standard deviation of Gaussian noise added to the code layer's pre-activation (before
    /// <see cref="CodeActivation"/>) during training only; 0 turns it off. With a sigmoid code this drives the codes
    /// towards 0 and 1 so that thresholding them at 0.5 loses little: the "semantic hashing" trick of Salakhutdinov
    /// and Hinton (Semantic Hashing, International Journal of Approximate Reasoning 50(7), 2009), who add
    /// deterministic Gaussian noise to the code layer's input during fine-tuning. The noise is drawn from the global
    /// torch generator (as dropout is), so it follows the trainer's seed and a checkpoint's saved generator state.
    /// </summary>
    public double CodeNoise { get; init; }

    /// <summary>A hard sparsity constraint on the code (k-sparse or winner-take-all), or null.</summary>
    public CodeSparsity? Sparsity { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Layers[^1]];

    /// <summary>The decoder sizes actually used: <see cref="DecoderLayers"/> or the mirrored encoder.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveDecoderLayers => DenseLayerSizes.EffectiveDecoder(Layers, DecoderLayers);

    /// <summary>Activation of encoder layer <paramref name="i"/> (0-based; the last is the code layer).</summary>
    public Activation EncoderActivation(int i) =>
        EncoderActivations?[i] ?? (i == Layers.Count - 2 ? CodeActivation : Activation);

    /// <summary>Activation of decoder layer <paramref name="i"/> (0-based; the last is the output layer).</summary>
    public Activation DecoderActivation(int i) =>
        DecoderActivations?[i] ?? (i == EffectiveDecoderLayers.Count - 2 ? OutputActivation : Activation);

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new DenseAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Layers is null || Layers.Count < 2)
        {
            throw new ArgumentException("layers needs at least an input size and a code size, e.g. [784, 32].");
        }

        if (Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"layers must be positive sizes; found [{string.Join(", ", Layers)}].");
        }

        IReadOnlyList<int> decoder = EffectiveDecoderLayers;
        DenseLayerSizes.ValidateDecoder(Layers, decoder);

        if (TiedWeights && !decoder.SequenceEqual(Layers.Reverse()))
        {
            throw new ArgumentException(
                $"tiedWeights needs a decoder that mirrors the encoder ([{string.Join(", ", Layers.Reverse())}]); found [{string.Join(", ", decoder)}].");
        }

        if (EncoderActivations is not null && EncoderActivations.Count != Layers.Count - 1)
        {
            throw new ArgumentException($"encoderActivations needs one entry per encoder layer ({Layers.Count - 1}); found {EncoderActivations.Count}.");
        }

        if (DecoderActivations is not null && DecoderActivations.Count != decoder.Count - 1)
        {
            throw new ArgumentException($"decoderActivations needs one entry per decoder layer ({decoder.Count - 1}); found {DecoderActivations.Count}.");
        }

        if (Dropout is < 0 or >= 1)
        {
            throw new ArgumentException($"dropout must lie in [0, 1); found {Dropout}.");
        }

        if (!double.IsFinite(CodeNoise) || CodeNoise < 0)
        {
            throw new ArgumentException($"codeNoise must be a finite standard deviation >= 0; found {CodeNoise}.");
        }

        Sparsity?.Validate(Layers[^1]);
    }
}
