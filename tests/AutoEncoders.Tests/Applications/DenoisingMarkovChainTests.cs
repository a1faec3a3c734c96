using AutoEncoders.Applications.Generation;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications;

public sealed class DenoisingMarkovChainTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void A_trained_denoiser_keeps_its_chain_near_the_digits_and_the_chain_repeats_with_its_seed()
    {
        TorchRuntime.SetSeed(41);
        var corruption = new MaskingNoise { Fraction = 0.3 };
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 64] }.Build();
        using (var trainer = new Trainer(model, new Objective { Reconstruction = new BinaryCrossEntropy(), Corruption = corruption },
                   new TrainerOptions { Epochs = 3, BatchSize = 50, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } }))
        {
            trainer.Fit(mnist.First(1000));
        }

        using var scope = torch.NewDisposeScope();
        Tensor start = torch.rand([6, 784], generator: new Generator(1));
        var chain = new DenoisingMarkovChain { Corruption = corruption, SampleOutput = true };
        Tensor Run(ulong seed)
        {
            using var generator = new Generator(seed);
            return chain.Run(model, start, 8, generator);
        }

        Tensor states = Run(7);
        Assert.Equal([9L, 6L, 784L], states.shape);
        Assert.True(states[0].equal(start).all().item<bool>(), "the chain's first state is its start");
        Assert.True(states.equal(Run(7)).all().item<bool>(), "the same seed should give the same chain");
        Assert.False(states[-1].allclose(Run(8)[-1]));

        // Uniform noise has mean 0.5; a chain of a digit denoiser drifts to digit-like images (mostly dark,
        // mean intensity near MNIST's 0.13) and Bernoulli sampling keeps its values binary.
        double digits = mnist.First(1000).Features.mean().item<float>();
        double last = states[-1].mean().item<float>();
        Assert.True(Math.Abs(last - digits) < 0.12, $"after 8 steps the mean intensity {last:F3} should be near the digits' {digits:F3}, far from the noise's 0.5");
        Assert.True(states[-1].eq(0).logical_or(states[-1].eq(1)).all().item<bool>());
    }
}
