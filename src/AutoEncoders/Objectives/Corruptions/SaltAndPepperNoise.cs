using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives.Corruptions;

/// <summary>
/// Salt-and-pepper noise: a fraction of elements, chosen at random, is set to <see cref="Low"/> or
/// <see cref="High"/> with equal probability (Vincent et al., 2010).
/// </summary>
public sealed record SaltAndPepperNoise : Corruption
{
    /// <summary>Probability that an element is replaced.</summary>
    public double Fraction { get; init; } = 0.1;

    /// <summary>The "pepper" value.</summary>
    public double Low { get; init; }

    /// <summary>The "salt" value.</summary>
    public double High { get; init; } = 1.0;

    /// <inheritdoc />
    public override Tensor Apply(Tensor input, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        Tensor u = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: generator);
        Tensor salt = torch.rand(input.shape, dtype: input.dtype, device: input.device, generator: generator).lt(0.5);
        Tensor replaced = u.lt(Fraction);
        Tensor value = torch.where(salt, High, Low).to_type(input.dtype);
        return torch.where(replaced, value, input).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Fraction is < 0 or > 1)
        {
            throw new ArgumentException($"salt_and_pepper corruption: fraction must lie in [0, 1]; found {Fraction}.");
        }
    }
}
