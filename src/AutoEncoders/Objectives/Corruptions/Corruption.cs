using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives.Corruptions;

/// <summary>
/// A corruption process q(x~ | x) for denoising autoencoders (Vincent et al., 2008): the model sees the corrupted
/// input and is trained to reconstruct the clean one. Applied by the trainer to training batches only.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(GaussianNoise), "gaussian")]
[JsonDerivedType(typeof(MaskingNoise), "masking")]
[JsonDerivedType(typeof(SaltAndPepperNoise), "salt_and_pepper")]
public abstract record Corruption
{
    /// <summary>A corrupted copy of <paramref name="input"/>, drawing randomness from <paramref name="generator"/>.</summary>
    public abstract Tensor Apply(Tensor input, Generator? generator = null);

    /// <summary>Checks the settings, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public abstract void Validate();
}
