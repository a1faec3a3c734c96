using System.Text.Json.Serialization;
using AutoEncoders.Models.Dense;

namespace AutoEncoders.Models.Wasserstein;

/// <summary>
/// A Wasserstein autoencoder (Tolstikhin et al., 2018, "Wasserstein Auto-Encoders"): a deterministic dense encoder
/// and decoder whose codes are pushed towards the prior p(z) = N(0, <see cref="PriorStd"/>^2 I) by a divergence
/// between the aggregate posterior q(z) and p(z) rather than per example; decoding prior draws generates data.
/// WAE-MMD is this model with the objective reconstruction cost + lambda * <c>mmd</c> (the term's weight is lambda;
/// see <see cref="Objectives.MmdPenalty"/>). Training without the <c>mmd</c> term gives a plain autoencoder, whose
/// codes need not match the prior.
/// </summary>
public sealed record WassersteinAutoencoderConfig : ModelConfig
{
    /// <summary>Encoder sizes from the input to the code, e.g. [784, 512, 512, 8]; the code layer is linear.</summary>
    public IReadOnlyList<int> Layers { get; init; } = [784, 512, 512, 8];

    /// <summary>Decoder sizes from the code to the output; null mirrors the encoder.</summary>
    public IReadOnlyList<int>? DecoderLayers { get; init; }

    /// <summary>Activation of the hidden layers of encoder and decoder.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Activation of the output layer (sigmoid for data in [0, 1], linear otherwise).</summary>
    public Activation OutputActivation { get; init; } = Activation.Sigmoid;

    /// <summary>Batch normalisation after each hidden layer, as in the paper's networks.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>sigma_z, the standard deviation of the prior N(0, sigma_z^2 I) (1 on MNIST in the paper).</summary>
    public double PriorStd { get; init; } = 1.0;

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] InputShape => [Layers[0]];

    /// <inheritdoc />
    [JsonIgnore]
    public override long[] CodeShape => [Layers[^1]];

    /// <summary>The deterministic network: a dense autoencoder with a linear code layer.</summary>
    [JsonIgnore]
    public DenseAutoencoderConfig Network => new()
    {
        Layers = Layers,
        DecoderLayers = DecoderLayers,
        Activation = Activation,
        CodeActivation = Activation.Linear,
        OutputActivation = OutputActivation,
        BatchNorm = BatchNorm,
    };

    /// <inheritdoc />
    public override Autoencoder Build()
    {
        Validate();
        return new WassersteinAutoencoder(this);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Layers is null || Layers.Count < 2)
        {
            throw new ArgumentException("layers needs at least an input size and a code size, e.g. [784, 512, 512, 8].");
        }

        Network.Validate();
        if (!(PriorStd > 0) || double.IsInfinity(PriorStd))
        {
            throw new ArgumentException($"priorStd (sigma_z of the prior N(0, sigma_z^2 I)) must be a positive number; found {PriorStd}.");
        }
    }
}
