using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Max unpooling: the partial inverse of a <see cref="MaxPool2dSpec"/>. Each value goes back to the position its
/// pooling layer took the maximum from; every other position is zero (Zeiler and Fergus, 2014; SegNet). The output
/// has the pooling layer's input size, so odd sizes come back exactly.
/// </summary>
public sealed record MaxUnpool2dSpec : ConvLayerSpec
{
    /// <summary>
    /// The <see cref="ConvLayerSpec.Name"/> of the pooling layer whose indices to use; null pairs with the most recent
    /// pooling layer not yet unpooled (the mirror image in a symmetric network).
    /// </summary>
    public string? Pool { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "max_unpool2d";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        if (Pool is not null && string.IsNullOrWhiteSpace(Pool))
        {
            throw new ArgumentException($"{where}: pool must name a max_pool2d layer or be left out; found an empty name.");
        }
    }
}
