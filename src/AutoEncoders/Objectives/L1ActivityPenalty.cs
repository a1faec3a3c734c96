using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// L1 activity penalty: the mean over the batch of sum_j |h_j| on chosen encoder layers (Keras's
/// activity_regularizer=l1), which drives most units to exact zeros.
/// </summary>
public sealed class L1ActivityPenalty : LossTerm
{
    /// <summary>Encoder layers to penalise (negative indices count from the end; -1 is the code layer).</summary>
    public IReadOnlyList<int> Layers { get; init; } = [-1];

    /// <inheritdoc />
    public override string Name => "l1_activity";

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros([], device: context.Target.device);
        foreach (int layer in Layers)
        {
            Tensor h = context.Output.Layer(layer).Output;
            total = total + h.abs().reshape(h.shape[0], -1).sum(1).mean();
        }

        return total.MoveToOuterDisposeScope();
    }
}
