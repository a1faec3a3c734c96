using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>Optimiser settings; <see cref="Create"/> builds the TorchSharp optimiser.</summary>
public sealed record OptimizerOptions
{
    /// <summary>Algorithm.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Initial learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay (L2 for Adam/SGD/RMSprop, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Momentum for SGD and RMSprop.</summary>
    public double Momentum { get; init; }

    /// <summary>Nesterov momentum for SGD.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's beta1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's beta2.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Numerical epsilon of Adam and RMSprop.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Checks the settings.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsPositiveInfinity(LearningRate))
        {
            throw new ArgumentException($"optimizer.learningRate must be a positive finite number; found {LearningRate}.");
        }

        if (WeightDecay < 0 || Momentum < 0 || Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1)
        {
            throw new ArgumentException("optimizer: weightDecay and momentum must be non-negative, beta1 and beta2 in [0, 1).");
        }

        if (Nesterov && (Kind != OptimizerKind.Sgd || Momentum <= 0))
        {
            throw new ArgumentException("optimizer.nesterov needs kind 'sgd' and a positive momentum.");
        }
    }

    /// <summary>
    /// Builds the optimiser over <paramref name="parameters"/>: Adam and AdamW with a fused one-pass step on CPU
    /// (<see cref="Optimizers.Adam"/>), SGD and RMSprop from TorchSharp.
    /// </summary>
    public optim.Optimizer Create(IEnumerable<Parameter> parameters)
    {
        Validate();
        return Kind switch
        {
            OptimizerKind.Adam => new Optimizers.Adam(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
            OptimizerKind.AdamW => new Optimizers.AdamW(parameters, LearningRate, Beta1, Beta2, Epsilon, WeightDecay),
            OptimizerKind.Sgd => torch.optim.SGD(parameters, LearningRate, Momentum, dampening: 0, WeightDecay, Nesterov),
            OptimizerKind.RmsProp => torch.optim.RMSProp(parameters, LearningRate, alpha: 0.99, eps: Epsilon, weight_decay: WeightDecay, momentum: Momentum),
            _ => throw new ArgumentException($"optimizer.kind {Kind} is not known."),
        };
    }
}
