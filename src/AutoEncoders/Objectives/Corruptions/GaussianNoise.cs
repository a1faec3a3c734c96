using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives.Corruptions;

/// <summary>Additive Gaussian noise x + factor * N(0, 1), clipped to [<see cref="Min"/>, <see cref="Max"/>] (Keras's denoising example uses factor 0.5).</summary>
public sealed record GaussianNoise : Corruption
{
    /// <summary>Standard deviation of the noise.</summary>
    public double Factor { get; init; } = 0.5;

    /// <summary>Clip the result to [Min, Max] (true for pixel data).</summary>
    public bool Clip { get; init; } = true;

    /// <summary>Lower clip bound.</summary>
    public double Min { get; init; }

    /// <summary>Upper clip bound.</summary>
    public double Max { get; init; } = 1.0;

    /// <inheritdoc />
    public override Tensor Apply(Tensor input, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        // One buffer, updated in place: the same values as x + factor * n clipped (float addition commutes), without
        // two full-size temporaries per batch. The input never requires grad here (the trainer corrupts data).
        Tensor noisy = torch.randn(input.shape, dtype: input.dtype, device: input.device, generator: generator);
        noisy.mul_(Factor).add_(input);
        return Clip ? noisy.clamp_(Min, Max) : noisy;
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (Factor < 0 || double.IsNaN(Factor))
        {
            throw new ArgumentException($"gaussian corruption: factor must be non-negative; found {Factor}.");
        }

        if (Clip && Min >= Max)
        {
            throw new ArgumentException($"gaussian corruption: min ({Min}) must be below max ({Max}).");
        }
    }
}
