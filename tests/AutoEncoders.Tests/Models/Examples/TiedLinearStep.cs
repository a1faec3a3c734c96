using AutoEncoders.Data;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Examples;

/// <summary>
/// The example model kind's step: the objective as usual, plus "orthogonality", ||W W^T - I||_F, which falls towards 0
/// as the tied weights approach an orthonormal basis of the principal subspace (measured, not minimised).
/// </summary>
public sealed class TiedLinearStep(TiedLinearAutoencoder model, Objective objective) : ReconstructionStep(model, objective)
{
    public override IReadOnlyList<string> MetricNames => [.. base.MetricNames, "orthogonality"];

    public override double[] Train(Batch batch, StepContext context) => [.. base.Train(batch, context), Orthogonality()];

    public override double[] Evaluate(Batch batch, StepContext context, Generator generator) => [.. base.Evaluate(batch, context, generator), Orthogonality()];

    private double Orthogonality()
    {
        using var noGrad = torch.no_grad();
        using Tensor w = model.Weight.detach();
        using Tensor gram = w.matmul(w.t());
        using Tensor eye = torch.eye(w.shape[0]);
        using Tensor gap = (gram - eye).norm();
        return gap.item<float>();
    }
}
