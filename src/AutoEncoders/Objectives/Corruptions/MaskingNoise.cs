using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives.Corruptions;

/// <summary>Masking noise: each input element is set to zero with probability <see cref="Fraction"/> (Vincent et al., 2008).</summary>
public sealed record MaskingNoise : Corruption
{
    /// <summary>Probability that an element is zeroed.</summary>
    public double Fraction { get; init; } = 0.25;

    /// <inheritdoc />
    public override Tensor Apply(Tensor input, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        Tensor keep = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: generator).ge(Fraction);
        return (input * keep).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Fraction is < 0 or > 1)
        {
            throw new ArgumentException($"masking corruption: fraction must lie in [0, 1]; found {Fraction}.");
        }
    }
}
