using AutoEncoders.Models;
using AutoEncoders.Objectives.Corruptions;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Generation;

/// <summary>
/// Sampling from a denoising autoencoder as a Markov chain (Bengio et al., 2013, generative stochastic networks):
/// x_{t+1} ~ P(X | C(x_t)), i.e. corrupt the current state, reconstruct it, repeat. The chain's stationary
/// distribution estimates the data distribution when the autoencoder is a good denoiser of that corruption. Each
/// step either keeps the reconstruction's mean or, with <see cref="SampleOutput"/>, draws each value from the
/// Bernoulli it parameterises (the paper's sampling of the reconstruction distribution).
/// </summary>
public sealed class DenoisingMarkovChain
{
    /// <summary>The corruption C applied at every step (usually the one the model was trained with).</summary>
    public required Corruption Corruption { get; init; }

    /// <summary>Draw x_{t+1} ~ Bernoulli(reconstruction) instead of keeping the mean (outputs in [0, 1]).</summary>
    public bool SampleOutput { get; init; }

    /// <summary>
    /// Runs <paramref name="steps"/> steps from <paramref name="start"/> [N, ...] and returns every state,
    /// [steps + 1, N, ...] (the start first), in evaluation mode without gradients.
    /// </summary>
    public Tensor Run(Autoencoder model, Tensor start, int steps, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Corruption.Validate();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var states = new List<Tensor>(steps + 1) { start };
            Tensor x = start;
            for (int t = 0; t < steps; t++)
            {
                Tensor reconstruction = model.Reconstruct(Corruption.Apply(x, generator)).reshape(start.shape);
                x = SampleOutput ? torch.bernoulli(reconstruction.clamp(0, 1), generator) : reconstruction;
                states.Add(x);
            }

            return torch.stack(states).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
