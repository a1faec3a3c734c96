using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// Base of every autoencoder: a TorchSharp module whose forward pass returns an <see cref="AutoencoderOutput"/>,
/// with <see cref="Encode"/> and <see cref="Decode"/> for using what it learned. Training lives in the trainer.
/// </summary>
public abstract class Autoencoder : nn.Module<Tensor, AutoencoderOutput>
{
    /// <summary>Creates the module with a name used in state dictionaries.</summary>
    /// <exception cref="AutoEncoders.Runtime.TorchUnavailableException">libtorch cannot load here; the message says why.</exception>
    // Loads libtorch first, so that a machine that cannot gets the one-sentence cause, not TorchSharp's.
    protected Autoencoder(string name)
        : base(AutoEncoders.Runtime.TorchRuntime.Loaded(name))
    {
    }

    /// <summary>The configuration this model was built from; saving it and the weights reproduces the model.</summary>
    public abstract ModelConfig Config { get; }

    /// <summary>The code of a batch of inputs (the posterior mean for variational models).</summary>
    public abstract Tensor Encode(Tensor input);

    /// <summary>The reconstruction (data space, after the output activation) for a batch of codes.</summary>
    public abstract Tensor Decode(Tensor code);

    /// <summary>Decode(Encode(input)), shaped like the input.</summary>
    public virtual Tensor Reconstruct(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return Decode(Encode(input)).reshape(input.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Number of parameters (shared parameters counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Number of parameters that require gradients.</summary>
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());
}
