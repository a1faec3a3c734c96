using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// One layer of a convolutional encoder or decoder, as data. The "type" property in JSON selects the layer kind:
/// conv2d, conv_transpose2d, max_pool2d, max_unpool2d, upsample, batch_norm2d or activation.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(Conv2dSpec), "conv2d")]
[JsonDerivedType(typeof(ConvTranspose2dSpec), "conv_transpose2d")]
[JsonDerivedType(typeof(MaxPool2dSpec), "max_pool2d")]
[JsonDerivedType(typeof(MaxUnpool2dSpec), "max_unpool2d")]
[JsonDerivedType(typeof(UpsampleSpec), "upsample")]
[JsonDerivedType(typeof(BatchNorm2dSpec), "batch_norm2d")]
[JsonDerivedType(typeof(ActivationSpec), "activation")]
public abstract record ConvLayerSpec
{
    /// <summary>
    /// A label for the layer, shown in summaries and errors and used to pair a max-unpooling layer with its pooling
    /// layer; null names it by position ("encoder.3"). Weights are stored by position either way.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>The layer kind as written in JSON, e.g. "conv2d".</summary>
    [JsonIgnore]
    public abstract string TypeName { get; }

    /// <summary>Checks the layer's own fields, throwing <see cref="ArgumentException"/> that names <paramref name="where"/>.</summary>
    public abstract void Validate(string where);
}
