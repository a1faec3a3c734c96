using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>An element-wise activation as a layer of its own (e.g. after a batch norm).</summary>
public sealed record ActivationSpec : ConvLayerSpec
{
    /// <summary>The function applied.</summary>
    public Activation Function { get; init; } = Activation.Relu;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "activation";

    /// <inheritdoc />
    public override void Validate(string where) => ConvSpecChecks.KnownActivation(where, Function);
}
