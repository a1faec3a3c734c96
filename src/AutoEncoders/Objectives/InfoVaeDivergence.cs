using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The regulariser of InfoVAE (Zhao et al., 2019, "InfoVAE: Balancing Learning and Inference in Variational
/// Autoencoders", equation 6, with the MMD divergence of section 4.2, the MMD-VAE):
/// (1 - alpha) KL(q(z|x) || p(z)) + (alpha + lambda - 1) MMD(q(z), p(z)); with <c>nll</c> as the reconstruction
/// term it is the negative InfoVAE objective. alpha weighs the mutual information between x and z (alpha = 1 drops
/// the per-example KL), lambda the divergence of the aggregate posterior q(z) from the prior; alpha = 0, lambda = 1
/// is the plain VAE (the MMD weight is then 0 and the MMD is not even computed, so training is exactly the ELBO's).
/// The MMD compares the batch's sampled codes with as many prior draws (<see cref="MmdPenalty"/>, unbiased
/// estimate); the KL is the <c>kl_divergence</c> term's. Needs a variational model.
/// </summary>
public sealed class InfoVaeDivergence : LossTerm
{
    private static readonly KlDivergence Kl = new();

    /// <summary>alpha, at most 1: the KL's weight is 1 - alpha.</summary>
    public double Alpha { get; init; }

    /// <summary>lambda, non-negative and at least 1 - alpha: the MMD's weight is alpha + lambda - 1.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>The MMD's kernel (<see cref="MmdPenalty.Kernel"/>).</summary>
    public MmdKernel Kernel { get; init; } = MmdKernel.InverseMultiquadratic;

    /// <summary>Multipliers of C = 2 d sigma^2 (<see cref="MmdPenalty.Scales"/>).</summary>
    public IReadOnlyList<double> Scales { get; init; } = MmdPenalty.DefaultScales;

    /// <inheritdoc />
    public override string Name => "info_vae";

    /// <summary>The weight of the KL term, 1 - alpha.</summary>
    public double KlWeight => 1 - Alpha;

    /// <summary>The weight of the MMD term, alpha + lambda - 1.</summary>
    public double MmdWeight => Alpha + Lambda - 1;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!double.IsFinite(Alpha) || Alpha > 1)
        {
            throw new ArgumentException($"{Name}: alpha must be a number at most 1 (the KL's weight is 1 - alpha); found {Alpha}.");
        }

        if (!double.IsFinite(Lambda) || Lambda < 0 || MmdWeight < 0)
        {
            throw new ArgumentException($"{Name}: lambda must be a non-negative number of at least 1 - alpha = {1 - Alpha} (the MMD's weight is alpha + lambda - 1); found {Lambda}.");
        }

        MmdPenalty.ValidateKernel(Name, Scales);
    }

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate();
        using var scope = torch.NewDisposeScope();
        Tensor value = Kl.Compute(context);
        if (KlWeight != 1)
        {
            value = value * KlWeight;
        }

        if (MmdWeight != 0)
        {
            value = value + (MmdWeight * MmdPenalty.ToPrior(context, Name, Kernel, Scales));
        }

        return value.MoveToOuterDisposeScope();
    }
}
