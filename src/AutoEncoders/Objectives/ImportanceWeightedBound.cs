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

        long more = Samples - 1;
        Tensor eps = torch.randn([more, b, d], dtype: mean.dtype, device: mean.device, generator: vae.SamplingGenerator);
        Tensor z = (mean.unsqueeze(0) + (torch.exp(0.5 * logVariance).unsqueeze(0) * eps)).reshape(more * b, d);
        Tensor target = context.Target.reshape(b, -1);
        Tensor repeated = target.unsqueeze(0).expand(more, b, target.shape[1]).reshape(more * b, target.shape[1]);
        Tensor logLikelihood = vae.LogLikelihood(vae.DecodePreActivation(z), repeated);
        Tensor meanRepeated = mean.unsqueeze(0).expand(more, b, d).reshape(more * b, d);
        Tensor logVarianceRepeated = logVariance.unsqueeze(0).expand(more, b, d).reshape(more * b, d);
        Tensor weights = (logLikelihood + vae.LogPrior(z) - VariationalModel.LogPosterior(z, meanRepeated, logVarianceRepeated)).reshape(more, b);
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
}
