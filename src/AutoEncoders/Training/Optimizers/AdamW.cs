using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Optimizers;

/// <summary>
/// TorchSharp's AdamW (decoupled weight decay, Loshchilov &amp; Hutter 2019) with a fused step: each float32 CPU parameter is updated in one pass over its memory
/// (<see cref="AdamKernel"/>) instead of eight tensor operations, with the same results to rounding. Other
/// parameters (CUDA, other types, AMSGrad, maximise, a loss closure) take TorchSharp's own step. The class keeps
/// the name <c>AdamW</c> and TorchSharp's state, so checkpoints read and write exactly as before.
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>AdamW over <paramref name="parameters"/> (arguments as TorchSharp's AdamW).</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || !CanFuse())
        {
            return base.step(closure!);
        }

        using (torch.no_grad())
        {
            foreach (ParamGroup group in _parameter_groups.Cast<ParamGroup>())
            {
                var options = (Options)group.Options;
                foreach (Parameter param in group.Parameters)
                {
                    using Tensor? grad = param.grad;
                    if (grad is null)
                    {
                        continue;
                    }

                    var state = (State)_state[param.Handle];
                    state.step += 1;
                    AdamKernel.Step(param, grad, state.exp_avg, state.exp_avg_sq, state.step, options.LearningRate!.Value,
                        options.beta1!.Value, options.beta2!.Value, options.eps!.Value, l2: 0, decay: 1 - (options.LearningRate!.Value * options.weight_decay!.Value));
                }
            }
        }

        return null!;
    }

    private bool CanFuse()
    {
        foreach (ParamGroup group in _parameter_groups.Cast<ParamGroup>())
        {
            var options = (Options)group.Options;
            if (options.amsgrad == true || options.maximize == true)
            {
                return false;
            }

            foreach (Parameter param in group.Parameters)
            {
                using Tensor? grad = param.grad;
                var state = (State)_state[param.Handle];
                if (!AdamKernel.Supports(param) || (grad is not null && !AdamKernel.Supports(grad)) ||
                    !AdamKernel.Supports(state.exp_avg) || !AdamKernel.Supports(state.exp_avg_sq))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
