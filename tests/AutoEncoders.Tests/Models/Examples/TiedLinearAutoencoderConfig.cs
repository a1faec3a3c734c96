using AutoEncoders.Models;

namespace AutoEncoders.Tests.Models.Examples;

/// <summary>The configuration of the example model kind in docs/architecture.md: sizes only.</summary>
public sealed record TiedLinearAutoencoderConfig : ModelConfig
{
    public int InputSize { get; init; } = 784;

    public int CodeSize { get; init; } = 16;

    public override long[] InputShape => [InputSize];

    public override long[] CodeShape => [CodeSize];

    public override Autoencoder Build()
    {
        Validate();
        return new TiedLinearAutoencoder(this);
    }

    public override void Validate()
    {
        if (InputSize < 1 || CodeSize < 1 || CodeSize > InputSize)
        {
            throw new ArgumentException($"tied_linear: codeSize must lie in [1, inputSize]; found codeSize {CodeSize} and inputSize {InputSize}.");
        }
    }
}
