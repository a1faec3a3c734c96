using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// A transposed 2-D convolution (up-sampling with learned weights) followed by an activation. The output size is
/// (input - 1) stride - 2 padding + kernel + outputPadding, so outputPadding picks between the sizes that a
/// strided convolution maps to the same input (e.g. 7 and 8 both map to 4 with kernel 3, stride 2, padding 1).
/// </summary>
public sealed record ConvTranspose2dSpec : ConvLayerSpec
{
    /// <summary>Output channels.</summary>
    public int Filters { get; init; } = 16;

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; init; } = 3;

    /// <summary>Up-sampling factor.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Pixels removed from every side of the full transposed output (the padding of the convolution it inverts).</summary>
    public int Padding { get; init; }

    /// <summary>Pixels added to the bottom and right of the output; must be smaller than the stride.</summary>
    public int OutputPadding { get; init; }

    /// <summary>Activation applied to the output.</summary>
    public Activation Activation { get; init; } = Activation.Linear;

    /// <summary>Whether the layer adds a bias per output channel.</summary>
    public bool Bias { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "conv_transpose2d";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        ConvSpecChecks.Positive(where, "filters", Filters);
        ConvSpecChecks.Positive(where, "kernelSize", KernelSize);
        ConvSpecChecks.Positive(where, "stride", Stride);
        ConvSpecChecks.NonNegative(where, "padding", Padding);
        ConvSpecChecks.NonNegative(where, "outputPadding", OutputPadding);
        if (OutputPadding >= Stride)
        {
            throw new ArgumentException($"{where}: outputPadding ({OutputPadding}) must be smaller than the stride ({Stride}); raise the stride or lower outputPadding.");
        }

        ConvSpecChecks.KnownActivation(where, Activation);
    }
}
