using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Optimizers;

/// <summary>
/// The fused step shared by <see cref="Adam"/> and <see cref="AdamW"/>: checks that every parameter, gradient and
/// moment can go through <see cref="AdamKernel"/>, then updates them. The two optimizers derive from different
/// TorchSharp classes (whose nested option and state types differ), so each describes its groups and state here.
/// </summary>
internal static class FusedAdam
{
    /// <summary>
    /// Tries the fused step over <paramref name="groups"/>: false, with nothing changed, when some group or tensor
    /// needs TorchSharp's own step. <paramref name="moments"/> gives a parameter's first and second moments;
    /// <paramref name="nextStep"/> advances its step count and returns the new value.
    /// </summary>
    public static bool TryStep(IReadOnlyList<FusedAdamGroup> groups, Func<Parameter, (Tensor ExpAvg, Tensor ExpAvgSq)> moments, Func<Parameter, long> nextStep)
    {
        if (!CanFuse(groups, moments))
        {
            return false;
        }

        using (torch.no_grad())
        {
            foreach (FusedAdamGroup group in groups)
            {
                foreach (Parameter param in group.Parameters)
                {
                    using Tensor? grad = param.grad;
                    if (grad is null)
                    {
                        continue;
                    }

                    long step = nextStep(param);
                    (Tensor expAvg, Tensor expAvgSq) = moments(param);
                    AdamKernel.Step(param, grad, expAvg, expAvgSq, step, group.LearningRate, group.Beta1, group.Beta2, group.Eps,
                        l2: group.L2, decay: group.Decay);
                }
            }
        }

        return true;
    }

    private static bool CanFuse(IReadOnlyList<FusedAdamGroup> groups, Func<Parameter, (Tensor ExpAvg, Tensor ExpAvgSq)> moments)
    {
        foreach (FusedAdamGroup group in groups)
        {
            if (!group.Fusable)
            {
                return false;
            }

            foreach (Parameter param in group.Parameters)
            {
                using Tensor? grad = param.grad;
                (Tensor expAvg, Tensor expAvgSq) = moments(param);
                if (!AdamKernel.Supports(param) || (grad is not null && !AdamKernel.Supports(grad)) ||
                    !AdamKernel.Supports(expAvg) || !AdamKernel.Supports(expAvgSq))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
