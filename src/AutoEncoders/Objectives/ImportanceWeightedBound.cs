using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The importance-weighted autoencoder's objective (Burda, Grosse and Salakhutdinov, 2016, "Importance Weighted
/// Autoencoders", ICLR): minus the bound L_k = log (1/k) sum_i w_i, w_i = p(x|z_i) p(z_i) / q(z_i|x),
/// z_i ~ q(z|x) reparameterised, averaged over the batch, in nats per example. It replaces the whole negative ELBO
/// (use it as the reconstruction term, with no <c>kl_divergence</c> penalty): L_1 is the one-sample ELBO
/// log p(x|z) + log p(z) - log q(z|x), and L_k grows with k towards log p(x). The first z_i is the forward pass's
/// own sample, so k = 1 costs what the ELBO costs; the other k - 1 are drawn from the model's
/// <see cref="VariationalModel.SamplingGenerator"/> (or torch's default generator) and decoded in one batch.
/// Works with any prior the model has (N(0, I) or a VampPrior).
/// </summary>
public sealed class ImportanceWeightedBound : LossTerm
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>Importance samples k per example, 1 or more (Burda et al. train with 5 and 50).</summary>
    public int Samples { get; init; } = 5;

    /// <inheritdoc />
    public override string Name => "iwae";

    /// <inheritdoc />
    public override void Validate()
    {
        if (Samples < 1)
        {
            throw new ArgumentException($"iwae: samples (the number of importance samples k) must be 1 or more; found {Samples}.");
        }
    }

    /// <summary>
    /// The log importance weights [k, B] of the forward pass's sample and k - 1 more: log p(x|z) + log p(z) - log q(z|x).
    /// </summary>
    public Tensor LogWeights(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate();
        if (context.Model is not VariationalModel vae || context.Output.Mean is null || context.Output.LogVariance is null)
        {
            throw new InvalidOperationException(
                $"iwae needs a variational model (kind \"vae\" or \"conv_vae\"); {context.Model.Config.GetType().Name} has no posterior.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor mean = context.Output.Mean, logVariance = context.Output.LogVariance;
        long b = mean.shape[0], d = mean.shape[1];
        Tensor first = context.Output.Code.reshape(b, d);
        Tensor firstWeight = vae.LogLikelihood(context.Output, context.Target) + vae.LogPrior(first) - VariationalModel.LogPosterior(first, mean, logVariance);
        if (Samples == 1)
        {
            return firstWeight.unsqueeze(0).MoveToOuterDisposeScope();
        }

        // The k - 1 further samples as [k - 1, B, d], broadcasting mu and log sigma^2 instead of copying them:
        // log q(z|x) = -(eps^2 + log sigma^2 + log 2 pi) / 2 summed, the same function of the parameters as
        // LogPosterior(z, mu, log sigma^2) (z - mu = sigma eps), so the same gradients, at a fraction of the ops.
        long more = Samples - 1;
        Tensor eps = torch.randn([more, b, d], dtype: mean.dtype, device: mean.device, generator: vae.SamplingGenerator);
        Tensor samples = mean + (torch.exp(0.5 * logVariance) * eps);
        Tensor z = samples.reshape(more * b, d);
        Tensor logPosterior = -0.5 * (eps.square() + logVariance + Log2Pi).sum(-1);
        Tensor preActivation = vae.DecodePreActivation(z);
        Tensor logLikelihood = vae.Likelihood == ObservationLikelihood.Bernoulli
            ? BernoulliLogLikelihood(preActivation.reshape(more, b, -1), context.Target.reshape(b, -1))
            : vae.LogLikelihood(preActivation, Repeat(context.Target.reshape(b, -1), more)).reshape(more, b);
        Tensor weights = logLikelihood + vae.LogPrior(z).reshape(more, b) - logPosterior;
        return torch.cat([firstWeight.unsqueeze(0), weights]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        using var scope = torch.NewDisposeScope();
        Tensor logWeights = LogWeights(context);
        Tensor bound = logWeights.logsumexp(0) - Math.Log(Samples);
        return (-bound.mean()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x|z) of Bernoulli logits [k, B, D] against the data [B, D], as [k, B]: the data broadcast over the k
    /// samples rather than copied k times (the binary cross-entropy kernels take the expanded view as it is).
    /// </summary>
    private static Tensor BernoulliLogLikelihood(Tensor logits, Tensor target) =>
        -nn.functional.binary_cross_entropy_with_logits(logits, target.unsqueeze(0).expand_as(logits), reduction: nn.Reduction.None).sum(-1);

    /// <summary>The rows of <paramref name="target"/> [B, D] repeated <paramref name="times"/> times, [times * B, D].</summary>
    private static Tensor Repeat(Tensor target, long times) =>
        target.unsqueeze(0).expand(times, target.shape[0], target.shape[1]).reshape(times * target.shape[0], target.shape[1]);
}
