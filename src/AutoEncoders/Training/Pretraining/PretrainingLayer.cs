using AutoEncoders.Models;
using AutoEncoders.Objectives;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// How one layer of a stack is pretrained: its activations, what it minimises (plain, denoising, sparse or
/// contractive, through <see cref="Objectives.Objective"/>) and its trainer settings.
/// </summary>
public sealed record PretrainingLayer
{
    /// <summary>Activation of this layer's encoder (the hidden units it adds to the stack).</summary>
    public Activation Activation { get; init; } = Activation.Sigmoid;

    /// <summary>
    /// Activation of this layer's decoder output; null means sigmoid for the first layer (data in [0, 1]) and the
    /// previous layer's activation for the others (they reconstruct that layer's codes).
    /// </summary>
    public Activation? OutputActivation { get; init; }

    /// <summary>What this layer minimises (binary cross-entropy by default); its corruption makes it denoising.</summary>
    public Objective Objective { get; init; } = new() { Reconstruction = new BinaryCrossEntropy() };

    /// <summary>Trainer settings of this layer (epochs, batch size, optimiser, seed).</summary>
    public TrainerOptions Training { get; init; } = new() { Epochs = 5, BatchSize = 128 };
}
