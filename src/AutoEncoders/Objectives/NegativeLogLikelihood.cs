using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The reconstruction term of a variational model: -log p(x|z) under the model's own likelihood (Bernoulli or
/// Gaussian with a fixed or learned variance; see <see cref="VariationalModel.Likelihood"/>), summed
/// over the values of an example (nats) and averaged over the batch. With <see cref="KlDivergence"/> it makes the
/// negative ELBO.
/// </summary>
public sealed class NegativeLogLikelihood : LossTerm
{
    /// <inheritdoc />
    public override string Name => "nll";

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Model is not VariationalModel vae)
        {
            throw new InvalidOperationException(
                $"nll uses the likelihood of a variational model (kind \"vae\" or \"conv_vae\"); {context.Model.Config.GetType().Name} has none. Use bce or mse with reduction sum_per_example instead.");
        }

        using var scope = torch.NewDisposeScope();
        return (-vae.LogLikelihood(context.Output, context.Target).mean()).MoveToOuterDisposeScope();
    }
}
