using System.Text.Json.Serialization;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Models.Variational;
using AutoEncoders.Models.VectorQuantized;
using AutoEncoders.Models.Wasserstein;

namespace AutoEncoders.Models;

/// <summary>
/// A model's architecture as a small serialisable record; <see cref="Build"/> makes a fresh, randomly initialised
/// model. The "kind" property in JSON selects the family.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(DenseAutoencoderConfig), "dense")]
[JsonDerivedType(typeof(ConvolutionalAutoencoderConfig), "convolutional")]
[JsonDerivedType(typeof(SequenceAutoencoderConfig), "sequence")]
[JsonDerivedType(typeof(VariationalAutoencoderConfig), "vae")]
[JsonDerivedType(typeof(ConvolutionalVariationalAutoencoderConfig), "conv_vae")]
[JsonDerivedType(typeof(AdversarialAutoencoderConfig), "adversarial")]
[JsonDerivedType(typeof(WassersteinAutoencoderConfig), "wae")]
[JsonDerivedType(typeof(ConditionalVariationalAutoencoderConfig), "cvae")]
[JsonDerivedType(typeof(VectorQuantizedAutoencoderConfig), "vqvae")]
[JsonDerivedType(typeof(SemiSupervisedAdversarialAutoencoderConfig), "aae_semisupervised")]
public abstract record ModelConfig
{
    /// <summary>Shape of one input sample, e.g. [784] or [1, 28, 28].</summary>
    [JsonIgnore]
    public abstract long[] InputShape { get; }

    /// <summary>Shape of one code, e.g. [30].</summary>
    [JsonIgnore]
    public abstract long[] CodeShape { get; }

    /// <summary>Builds a new model with freshly initialised weights (seeded by the torch generator).</summary>
    public abstract Autoencoder Build();

    /// <summary>Checks the configuration, throwing <see cref="ArgumentException"/> naming the offending field.</summary>
    public abstract void Validate();
}
