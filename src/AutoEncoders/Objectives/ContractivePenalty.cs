using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// Contractive penalty ||J_f(x)||_F^2 (Rifai et al., "Contractive Auto-Encoders", ICML 2011), averaged over the
/// batch. With a corruption in the objective this is the contractive-denoising autoencoder.
/// </summary>
public sealed class ContractivePenalty : LossTerm
{
    /// <summary>Exact (double backprop, any encoder), closed form (one affine layer) or a stochastic estimate.</summary>
    public JacobianMethod Method { get; init; } = JacobianMethod.Exact;

    /// <summary>For <see cref="JacobianMethod.ClosedForm"/>: the encoder layer (-1 is the code layer).</summary>
    public int Layer { get; init; } = -1;

    /// <summary>For <see cref="JacobianMethod.Estimate"/>: random projections per batch.</summary>
    public int Projections { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => "contractive";

    /// <inheritdoc />
    public override bool NeedsInputGradient => Method != JacobianMethod.ClosedForm;

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Method switch
        {
            JacobianMethod.ClosedForm => ClosedForm(context.Output.Layer(Layer)),
            JacobianMethod.Exact => Exact(context.Output.Code, context.Input),
            _ => Estimated(context.Output.Code, context.Input, Projections),
        };
    }

    /// <summary>sum_i f'(z_i)^2 ||W_i||^2, averaged over the batch, for an affine layer h = f(x W^T + b).</summary>
    public static Tensor ClosedForm(HiddenActivation layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Weight is null || layer.PreActivation is null)
        {
            throw new InvalidOperationException(
                $"The closed-form contractive penalty needs an affine layer without normalisation; layer {layer.Name} is not one. Use method 'exact'.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor derivative = ActivationFunction.Derivative(layer.Activation, layer.PreActivation, layer.Output);
        Tensor rowNorms = layer.Weight.square().sum(1);
        return (derivative.square() * rowNorms).sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ||d code / d input||_F^2 averaged over the batch, exactly: one gradient per code unit, each kept in the graph
    /// (create_graph and retain_graph both true, as TorchSharp does not imply the second) so the penalty trains.
    /// </summary>
    public static Tensor Exact(Tensor code, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(input);
        RequireInputGradient(input);
        using var scope = torch.NewDisposeScope();
        Tensor flat = code.reshape(code.shape[0], -1);
        Tensor total = torch.zeros([], device: code.device);
        for (long j = 0; j < flat.shape[1]; j++)
        {
            Tensor grad = torch.autograd.grad([flat[.., (int)j].sum()], [input], retain_graph: true, create_graph: true)[0];
            total = total + grad.square().sum();
        }

        return (total / code.shape[0]).MoveToOuterDisposeScope();
    }

    /// <summary>Hutchinson estimate: mean over projections of ||v^T J||^2, v ~ N(0, I), averaged over the batch.</summary>
    public static Tensor Estimated(Tensor code, Tensor input, int projections)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(projections, 1);
        RequireInputGradient(input);
        using var scope = torch.NewDisposeScope();
        Tensor total = torch.zeros([], device: code.device);
        for (int p = 0; p < projections; p++)
        {
            Tensor v = torch.randn_like(code);
            Tensor grad = torch.autograd.grad([code], [input], [v], retain_graph: true, create_graph: true)[0];
            total = total + grad.square().sum();
        }

        return (total / (projections * code.shape[0])).MoveToOuterDisposeScope();
    }

    private static void RequireInputGradient(Tensor input)
    {
        if (!input.requires_grad)
        {
            throw new InvalidOperationException("The exact contractive penalty differentiates through the input, which does not require grad; the trainer sets it when an objective asks (LossTerm.NeedsInputGradient).");
        }
    }
}
