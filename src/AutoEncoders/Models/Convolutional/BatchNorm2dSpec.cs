using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>Batch normalisation over channels (Ioffe and Szegedy, 2015); the channel count comes from the previous layer.</summary>
public sealed record BatchNorm2dSpec : ConvLayerSpec
{
    /// <summary>Weight of the current batch in the running statistics (PyTorch's convention, 1 - Keras's momentum).</summary>
    public double Momentum { get; init; } = 0.1;

    /// <summary>Added to the variance for numerical stability.</summary>
    public double Epsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    [JsonIgnore]
    public override string TypeName => "batch_norm2d";

    /// <inheritdoc />
    public override void Validate(string where)
    {
        if (!(Momentum is > 0 and <= 1))
        {
            throw new ArgumentException($"{where}: momentum must lie in (0, 1]; found {Momentum}.");
        }

        if (!(Epsilon > 0))
        {
            throw new ArgumentException($"{where}: epsilon must be positive; found {Epsilon}.");
        }
    }
}
