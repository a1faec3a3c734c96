using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// The fields and rules shared by the dense variational kinds, <see cref="VariationalAutoencoderConfig"/>
/// (<c>vae</c>, Kingma and Welling, 2014) and <see cref="ConditionalVariationalAutoencoderConfig"/> (<c>cvae</c>):
/// the layer sizes, the hidden activation, the spread head and the likelihood p(x|z). Recipes name these fields
/// the same way in both kinds.
/// </summary>
public abstract record DenseVariationalAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input (without a cvae's label) to the latent size, e.g. [784, 400, 20]; the last is the size of z.</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 400, 20];

    /// <summary>Decoder sizes from the latent size (without a cvae's label) to the output, e.g. [20, 400, 784]; null mirrors the encoder.</summary>
    public IReadOnlyList<int>? DecoderLayers { get; init; }

    /// <summary>Activation of the hidden layers of encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>What the spread head outputs: log sigma^2 (default) or sigma through a softplus.</summary>
    public SpreadParameterization Parameterization { get; init; } = SpreadParameterization.LogVariance;

    /// <summary>The decoder distribution p(x|z) (p(x|z, y) for a cvae): Bernoulli (binary cross-entropy) or Gaussian (squared error).</summary>
    public ObservationLikelihood Likelihood { get; init; } = ObservationLikelihood.Bernoulli;

    /// <summary>
    /// Activation of the output layer, the mean of p(x|z): sigmoid (data in [0, 1]) or linear. A Bernoulli
    /// likelihood always uses sigmoid (the output layer computes its logits).
    /// </summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>The variance of a Gaussian likelihood (its starting value when <see cref="LearnVariance"/>).</summary>
    public double Variance { get; init; } = 1.0;

    /// <summary>Learn the Gaussian likelihood's variance (one scalar, as log sigma^2; Rybkin et al., 2021).</summary>
    public bool LearnVariance { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Layers[^1]];

    /// <summary>Size of z.</summary>
    [JsonIgnore]
    public int LatentSize => Layers[^1];

    /// <summary>The decoder sizes actually used: <see cref="DecoderLayers"/> or the mirrored encoder.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> EffectiveDecoderLayers => DenseLayerSizes.EffectiveDecoder(Layers, DecoderLayers);

    /// <summary>The shared rules (layer sizes, output activation, likelihood, variance); <paramref name="kind"/> names the kind in messages.</summary>
    protected void ValidateDenseVariational(string kind)
    {
        if (Layers is null || Layers.Count < 2 || Layers.Any(s => s < 1))
        {
            throw new ArgumentException($"layers needs positive sizes from the input to the latent size, e.g. [784, 400, 20]; found [{string.Join(", ", Layers ?? [])}].");
        }

        DenseLayerSizes.ValidateDecoder(Layers, EffectiveDecoderLayers, "latent");

        if (OutputActivation is not (Activation.Sigmoid or Activation.Linear))
        {
            throw new ArgumentException($"outputActivation of a {kind} must be sigmoid or linear (the mean of p(x|z)); found {OutputActivation}.");
        }

        if (Likelihood == ObservationLikelihood.Bernoulli && OutputActivation != Activation.Sigmoid)
        {
            throw new ArgumentException("likelihood bernoulli needs outputActivation sigmoid (the output layer computes the logits); use likelihood gaussian for a linear output.");
        }

        if (!(Variance > 0) || double.IsInfinity(Variance))
        {
            throw new ArgumentException($"variance of the gaussian likelihood must be a positive number; found {Variance}.");
        }

        if (LearnVariance && Likelihood != ObservationLikelihood.Gaussian)
        {
            throw new ArgumentException("learnVariance applies to likelihood gaussian only.");
        }
    }
}
