using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>Squared error between reconstruction and clean input (a Gaussian likelihood with fixed variance).</summary>
public sealed class MeanSquaredError : LossTerm
{
    /// <summary>Mean per element (default) or sum per example.</summary>
    public ReconstructionReduction Reduction { get; init; } = ReconstructionReduction.MeanPerElement;

    /// <inheritdoc />
    public override string Name => "mse";

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        Tensor squared = (context.Output.Reconstruction - context.Target).square();
        Tensor value = Reduction == ReconstructionReduction.MeanPerElement
            ? squared.mean()
            : squared.reshape(squared.shape[0], -1).sum(1).mean();
        return value.MoveToOuterDisposeScope();
    }
}
