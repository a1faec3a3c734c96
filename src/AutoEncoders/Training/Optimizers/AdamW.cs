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
        if (closure is not null || !FusedAdam.TryStep(Groups(), Moments, NextStep))
        {
            return base.step(closure!);
        }

        return null!;
    }

    private List<FusedAdamGroup> Groups() =>
        _parameter_groups.Cast<ParamGroup>().Select(g =>
        {
            var o = (Options)g.Options;
            return new FusedAdamGroup(g.Parameters, o.amsgrad != true && o.maximize != true, o.LearningRate!.Value,
                o.beta1!.Value, o.beta2!.Value, o.eps!.Value, L2: 0, Decay: 1 - (o.LearningRate!.Value * o.weight_decay!.Value));
        }).ToList();

    private (Tensor ExpAvg, Tensor ExpAvgSq) Moments(Parameter param)
    {
        var state = (State)_state[param.Handle];
        return (state.exp_avg, state.exp_avg_sq);
    }

    private long NextStep(Parameter param) => ++((State)_state[param.Handle]).step;
}
