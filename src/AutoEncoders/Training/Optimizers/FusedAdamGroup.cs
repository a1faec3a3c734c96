using TorchSharp.Modules;

namespace AutoEncoders.Training.Optimizers;

/// <summary>
/// One parameter group as <see cref="FusedAdam"/> reads it. <see cref="Fusable"/> is false for AMSGrad or
/// maximise; <see cref="L2"/> adds l2·p to the gradient (Adam's weight decay) and <see cref="Decay"/> scales p
/// first (AdamW's decoupled decay, 1 when none).
/// </summary>
internal sealed record FusedAdamGroup(IEnumerable<Parameter> Parameters, bool Fusable, double LearningRate, double Beta1, double Beta2, double Eps, double L2, double Decay);
