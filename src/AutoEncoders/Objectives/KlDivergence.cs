using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The closed-form KL divergence of a variational model's posterior q(z|x) = N(mu, diag sigma^2) from the prior
/// N(0, I): 0.5 * sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1) (Kingma and Welling, 2014, appendix B), summed
/// over latent units (nats per example) and averaged over the batch. <see cref="LossTerm.Weight"/> is beta
/// (Higgins et al., 2017); <see cref="WarmupEpochs"/> ramps it up linearly from 0 (Sonderby et al., 2016). Under a
/// VampPrior (no closed form) it is the single-sample estimate log q(z|x) - log p(z) at the forward pass's z.
/// </summary>
public sealed class KlDivergence : LossTerm
{
    /// <summary>
    /// Epochs over which the term's factor grows linearly to 1 during training: epoch n, counted from 1 as the
    /// console and history.csv count it, uses min(1, n / WarmupEpochs), so the first epoch already has 1/N of the
    /// KL (a factor of 0 would train a plain autoencoder for a whole epoch) and epoch N has all of it. 0 turns
    /// warm-up off. Evaluation always reports the full KL, so validation and test
    /// losses are the (beta-weighted) negative ELBO.
    /// </summary>
    public int WarmupEpochs { get; init; }

    /// <inheritdoc />
    public override string Name => "kl";

    /// <summary>The warm-up factor for a training step in <paramref name="epoch"/> (0-based, as in <see cref="LossContext.Epoch"/>): min(1, (epoch + 1) / WarmupEpochs).</summary>
    public double WarmupFactor(int epoch) => WarmupEpochs <= 0 ? 1.0 : Math.Min(1.0, (epoch + 1.0) / WarmupEpochs);

    /// <summary>KL(N(mu, diag exp(logvar)) || N(0, I)) per example [B], in nats.</summary>
    public static Tensor PerExample(Tensor mean, Tensor logVariance)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        using var scope = torch.NewDisposeScope();
        Tensor kl = 0.5 * (mean.pow(2) + logVariance.exp() - logVariance - 1);
        return kl.reshape(kl.shape[0], -1).sum(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        AutoencoderOutputCheck(context);
        using var scope = torch.NewDisposeScope();
        // A VampPrior has no closed form: the model estimates the KL at the forward pass's sample.
        Tensor value = (context.Model is AutoEncoders.Models.Variational.VariationalModel { HasStandardPrior: false } vae
            ? vae.KlPerExample(context.Output.Mean!, context.Output.LogVariance!, context.Output.Code)
            : PerExample(context.Output.Mean!, context.Output.LogVariance!)).mean();
        if (context.Training && WarmupEpochs > 0)
        {
            value = value * WarmupFactor(context.Epoch);
        }

        return value.MoveToOuterDisposeScope();
    }

    private static void AutoencoderOutputCheck(LossContext context)
    {
        if (context.Output.Mean is null || context.Output.LogVariance is null)
        {
            throw new InvalidOperationException(
                $"kl_divergence needs a variational model (one whose output has a posterior mean and log-variance); {context.Model.Config.GetType().Name} has none. Use model kind \"vae\" or \"conv_vae\".");
        }
    }
}
