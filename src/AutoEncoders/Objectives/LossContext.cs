using AutoEncoders.Models;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>What a loss term may look at for one mini-batch.</summary>
public sealed class LossContext
{
    /// <summary>The model that produced <see cref="Output"/>.</summary>
    public required Autoencoder Model { get; init; }

    /// <summary>The clean input: the reconstruction target.</summary>
    public required Tensor Target { get; init; }

    /// <summary>What the model was fed (the corrupted input for denoising); requires grad when a term needs input gradients.</summary>
    public required Tensor Input { get; init; }

    /// <summary>The forward pass's output.</summary>
    public required AutoencoderOutput Output { get; init; }

    /// <summary>True during training steps (stateful terms update their state only then).</summary>
    public bool Training { get; init; }

    /// <summary>Zero-based epoch, for schedules such as KL warm-up.</summary>
    public int Epoch { get; init; }

    /// <summary>Zero-based optimisation step across epochs.</summary>
    public long Step { get; init; }
}
