using AutoEncoders.Models;
using AutoEncoders.Models.Wasserstein;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Wasserstein;

public sealed class WassersteinAutoencoderTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static readonly WassersteinAutoencoderConfig Config = new() { Layers = [784, 256, 8] };

    [Fact]
    public void On_mnist_the_mmd_term_brings_the_codes_to_the_prior_and_prior_draws_decode_to_digits()
    {
        // The paper's MNIST objective (wae.py): 0.05 * squared error summed per image + lambda * MMD, lambda = 10.
        var reconstruction = new MeanSquaredError { Reduction = ReconstructionReduction.SumPerExample, Weight = 0.05 };
        (double plainMmd, double plainDistance) = TrainAndMeasure(new Objective { Reconstruction = reconstruction });
        (double waeMmd, double waeDistance) = TrainAndMeasure(new Objective { Reconstruction = reconstruction, Penalties = [new MmdPenalty { Weight = 10 }] });

        Assert.True(waeMmd < 0.5 * plainMmd, $"test codes against the prior: MMD^2 {waeMmd:G3} with the term, {plainMmd:G3} without");
        Assert.True(waeDistance < plainDistance, $"decoded prior draws to the nearest real digit: {waeDistance:F2} with the term, {plainDistance:F2} without");
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_field()
    {
        Assert.Contains("priorStd", Assert.Throws<ArgumentException>((Config with { PriorStd = 0 }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("layers", Assert.Throws<ArgumentException>((Config with { Layers = [784] }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("decoderLayers", Assert.Throws<ArgumentException>((Config with { DecoderLayers = [8, 700] }).Validate).Message, StringComparison.Ordinal);
    }

    // Trains briefly; returns the unbiased MMD^2 (fixed kernel) of held-out codes to N(0, I) and the mean Euclidean
    // distance from decoded prior draws to their nearest held-out digit.
    private (double Mmd, double Distance) TrainAndMeasure(Objective objective)
    {
        TorchRuntime.SetSeed(2);
        using Autoencoder model = Config.Build();
        using (var trainer = new Trainer(model, objective, new TrainerOptions { Epochs = 4, BatchSize = 100, Seed = 2, Progress = ProgressMode.Silent }))
        {
            trainer.Fit(mnist.First(3000));
        }

        var wae = (WassersteinAutoencoder)model;
        using var scope = torch.NewDisposeScope();
        using var held = mnist.Test.Slice(9000, 1000);
        model.eval();
        using var noGrad = torch.no_grad();
        Tensor codes = model.Encode(held.Features).to(ScalarType.Float64);
        using var generator = new Generator(12);
        Tensor prior = wae.SamplePrior(1000, generator);
        double mmd = MmdEstimator.Unbiased(codes, prior.to(ScalarType.Float64), MmdKernel.InverseMultiquadratic, [16.0]).item<double>();

        Tensor samples = model.Decode(prior[..200]);
        Assert.Equal([200L, 784L], samples.shape);
        Assert.InRange(samples.min().item<float>(), 0f, 1f);
        double distance = torch.cdist(samples, held.Features).min(1).values.mean().item<float>();
        return (mmd, distance);
    }
}
