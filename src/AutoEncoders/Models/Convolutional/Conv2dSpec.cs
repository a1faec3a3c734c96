using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>A 2-D convolution with a square kernel, followed by an activation (Keras's Conv2D(filters, k, strides, padding, activation)).</summary>
public sealed record Conv2dSpec : ConvLayerSpec
{
    /// <summary>Output channels.</summary>
    public int Filters { get; init; } = 16;

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; init; } = 3;

    /// <summary>Step between kernel positions (2 halves the image).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Zero padding: "same", or pixels per side (default 0, "valid").</summary>
    public ConvPadding Padding { get; init; } = ConvPadding.Valid;

    /// <summary>Activation applied to the convolution's output.</summary>
    public Activation Activation { get; init; } = Activation.Linear;

    /// <summary>Whether the convolution adds a bias per output channel.</summary>
    public bool Bias { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "conv2d";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        ConvSpecChecks.Positive(where, "filters", Filters);
        ConvSpecChecks.Positive(where, "kernelSize", KernelSize);
        ConvSpecChecks.Positive(where, "stride", Stride);
        if (Padding is null)
        {
            throw new ArgumentException($"{where}: padding must be \"same\", \"valid\" or a number of pixels; found null.");
        }

        ConvSpecChecks.KnownActivation(where, Activation);
    }
}
