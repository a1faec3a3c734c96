using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Max pooling over square windows. When a <see cref="MaxUnpool2dSpec"/> pairs with it, the layer also returns the
/// positions of its maxima (PyTorch's return_indices) so the unpooling can put values back where they came from.
/// </summary>
public sealed record MaxPool2dSpec : ConvLayerSpec
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; init; } = 2;

    /// <summary>Step between windows; null uses the kernel size (non-overlapping windows).</summary>
    public int? Stride { get; init; }

    /// <summary>Implicit padding (with minus infinity) per side; at most half the kernel.</summary>
    public int Padding { get; init; }

    /// <summary>Round the output size up instead of down, so no border row or column is dropped.</summary>
    public bool CeilMode { get; init; }

    /// <summary>The stride actually used.</summary>
    [JsonIgnore]
    public int EffectiveStride => Stride ?? KernelSize;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "max_pool2d";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        ConvSpecChecks.Positive(where, "kernelSize", KernelSize);
        ConvSpecChecks.Positive(where, "stride", EffectiveStride);
        ConvSpecChecks.NonNegative(where, "padding", Padding);
        if (2 * Padding > KernelSize)
        {
            throw new ArgumentException($"{where}: padding ({Padding}) must be at most half the kernel size ({KernelSize}).");
        }
    }
}
