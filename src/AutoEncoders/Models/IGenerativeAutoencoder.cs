using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// An autoencoder with a prior over its codes, so that decoding prior draws generates new data: the variational
/// autoencoder (N(0, I)) and the adversarial autoencoder (the prior its discriminator imposes).
/// </summary>
public interface IGenerativeAutoencoder
{
    /// <summary>The prior, in words, for captions (e.g. "the prior N(0, I)").</summary>
    string PriorDescription { get; }

    /// <summary><paramref name="count"/> codes drawn from the prior, [count, code size], on the model's device.</summary>
    Tensor SamplePrior(long count, Generator? generator = null);
}
