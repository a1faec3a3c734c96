namespace AutoEncoders.Visualization;

/// <summary>How values are mapped to grey levels or colour intensities in an image grid.</summary>
public enum PixelScaling
{
    /// <summary>Values are intensities in [0, 1]; anything outside is clipped (data and reconstructions).</summary>
    Clip,

    /// <summary>Each image is stretched from its own minimum to its own maximum (weights, filters, gradients).</summary>
    PerImage,

    /// <summary>All images share one stretch from the overall minimum to the overall maximum.</summary>
    Global,
}
