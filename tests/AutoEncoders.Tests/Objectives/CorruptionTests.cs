using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Objectives;

public sealed class CorruptionTests
{
    public CorruptionTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Gaussian_noise_has_the_requested_spread_and_is_clipped_to_the_unit_interval()
    {
        using var generator = new Generator(1);
        using Tensor half = torch.full(100_000, 0.5f);
        using Tensor unclipped = new GaussianNoise { Factor = 0.1, Clip = false }.Apply(half, generator);
        using Tensor clipped = new GaussianNoise { Factor = 0.5 }.Apply(half, generator);

        Assert.Equal(0.1, (unclipped - half).std().item<float>(), 0.002);
        Assert.Equal(0.0, clipped.min().item<float>(), 1e-6);
        Assert.Equal(1.0, clipped.max().item<float>(), 1e-6);
        Assert.True(clipped.eq(0).any().item<bool>() && clipped.eq(1).any().item<bool>(), "factor 0.5 around 0.5 reaches both bounds");
    }

    [Fact]
    public void Masking_noise_zeroes_the_requested_fraction()
    {
        using var generator = new Generator(2);
        using Tensor ones = torch.ones(200_000);
        using Tensor masked = new MaskingNoise { Fraction = 0.3 }.Apply(ones, generator);
        Assert.Equal(0.3, masked.eq(0).to_type(ScalarType.Float32).mean().item<float>(), 0.005);
        Assert.True(masked.eq(0).logical_or(masked.eq(1)).all().item<bool>());
    }

    [Fact]
    public void Salt_and_pepper_replaces_the_fraction_with_the_extremes_half_each()
    {
        using var generator = new Generator(3);
        using Tensor grey = torch.full(200_000, 0.5f);
        using Tensor noisy = new SaltAndPepperNoise { Fraction = 0.2 }.Apply(grey, generator);
        Assert.Equal(0.1, noisy.eq(0).to_type(ScalarType.Float32).mean().item<float>(), 0.005);
        Assert.Equal(0.1, noisy.eq(1).to_type(ScalarType.Float32).mean().item<float>(), 0.005);
        Assert.Equal(0.8, noisy.eq(0.5f).to_type(ScalarType.Float32).mean().item<float>(), 0.005);
    }

    [Fact]
    public void Corruption_is_reproducible_with_a_seeded_generator()
    {
        using Tensor x = torch.rand(1000);
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using Tensor a = new GaussianNoise().Apply(x, g1);
        using Tensor b = new GaussianNoise().Apply(x, g2);
        Assert.True(a.equal(b).all().item<bool>());
    }
}
