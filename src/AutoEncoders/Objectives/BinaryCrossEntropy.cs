using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// Binary cross-entropy between reconstruction and clean input in [0, 1] (a Bernoulli likelihood). Computed from
/// the output logits when the model exposes them, which stays exact where the sigmoid saturates.
/// </summary>
public sealed class BinaryCrossEntropy : LossTerm
{
    /// <summary>Mean per element (Keras's binary_crossentropy) or sum per example (nats, for VAEs).</summary>
    public ReconstructionReduction Reduction { get; init; } = ReconstructionReduction.MeanPerElement;

    /// <inheritdoc />
    public override string Name => "bce";

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        // Explicit Scalars alive across the native call (see AdversarialTrainingStep.DiscriminatorLoss).
        using Scalar low = 1e-7.ToScalar();
        using Scalar high = (1 - 1e-7).ToScalar();
        Tensor target = context.Target;
        Tensor elementwise = context.Output.Logits is Tensor logits
            ? nn.functional.binary_cross_entropy_with_logits(logits, target, reduction: nn.Reduction.None)
            : nn.functional.binary_cross_entropy(context.Output.Reconstruction.clamp(low, high), target, reduction: nn.Reduction.None);
        Tensor value = Reduction == ReconstructionReduction.MeanPerElement
            ? elementwise.mean()
            : elementwise.reshape(elementwise.shape[0], -1).sum(1).mean();
        return value.MoveToOuterDisposeScope();
    }
}
