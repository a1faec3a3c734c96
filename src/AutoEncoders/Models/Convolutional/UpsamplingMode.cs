namespace AutoEncoders.Models.Convolutional;

/// <summary>How an <see cref="UpsampleSpec"/> fills the new pixels.</summary>
public enum UpsamplingMode
{
    /// <summary>Repeat each pixel (Keras's UpSampling2D default).</summary>
    Nearest,

    /// <summary>Bilinear interpolation (align_corners = false).</summary>
    Bilinear,
}
