namespace AutoEncoders.Models.Convolutional;

/// <summary>The output shape of one layer of a convolutional autoencoder, worked out from the spec without running it.</summary>
/// <param name="Name">The layer's name ("input", "encoder.0", or its own <see cref="ConvLayerSpec.Name"/>).</param>
/// <param name="Type">The layer kind ("input", "conv2d", "max_pool2d", ...).</param>
/// <param name="Shape">[channels, height, width] of one sample after the layer.</param>
public sealed record ConvLayerShape(string Name, string Type, IReadOnlyList<long> Shape)
{
    /// <summary>"[C, H, W]".</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
