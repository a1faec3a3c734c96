using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Sparsity;

/// <summary>
/// A hard sparsity constraint applied to the code layer in the forward pass (as opposed to a sparsity penalty in
/// the objective): only some activations survive, and gradients flow through the survivors only.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(KSparse), "k-sparse")]
[JsonDerivedType(typeof(WinnerTakeAll), "winner-take-all")]
public abstract record CodeSparsity
{
    /// <summary>Applies the constraint to activations h [B, units].</summary>
    public abstract Tensor Apply(Tensor activations, bool training);

    /// <summary>Checks the settings against the code size.</summary>
    public abstract void Validate(int codeSize);
}
