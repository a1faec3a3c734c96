using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>Up-sampling by an integer factor without weights (Keras's UpSampling2D(size)).</summary>
public sealed record UpsampleSpec : ConvLayerSpec
{
    /// <summary>Height and width are multiplied by this factor.</summary>
    public int ScaleFactor { get; init; } = 2;

    /// <summary>Nearest-neighbour or bilinear interpolation.</summary>
    public UpsamplingMode Mode { get; init; } = UpsamplingMode.Nearest;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "upsample";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        ConvSpecChecks.Positive(where, "scaleFactor", ScaleFactor);
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{where}: mode must be nearest or bilinear; found {Mode}.");
        }
    }
}
