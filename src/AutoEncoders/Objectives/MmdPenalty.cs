using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Variational;
using AutoEncoders.Models.Wasserstein;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// The maximum mean discrepancy between the batch's codes, a sample of the aggregate posterior q(z), and as many
/// draws from the model's prior p(z): the penalty of the Wasserstein autoencoder WAE-MMD (Tolstikhin et al., 2018,
/// "Wasserstein Auto-Encoders", algorithm 2), whose weight is the paper's lambda. The estimate is the unbiased
/// U-statistic (<see cref="MmdEstimator"/>) with the inverse multiquadratic kernel k(x, y) = C / (C + |x - y|^2)
/// by default, summed over C = 2 d sigma^2 times each of <see cref="Scales"/> (the paper's code; d the code size,
/// sigma^2 the prior's variance). Works on every model with a prior: kind "wae", "vae", "conv_vae", "cvae",
/// "adversarial". Prior draws come from torch's default generator, which the trainer seeds and checkpoints.
/// </summary>
public sealed class MmdPenalty : LossTerm
{
    /// <summary>The multipliers of the base constant 2 d sigma^2, as in the WAE code.</summary>
    public static readonly IReadOnlyList<double> DefaultScales = [0.1, 0.2, 0.5, 1, 2, 5, 10];

    /// <summary>The kernel: inverse multiquadratic (the paper's choice) or Gaussian.</summary>
    public MmdKernel Kernel { get; init; } = MmdKernel.InverseMultiquadratic;

    /// <summary>Multipliers of C = 2 d sigma^2, one kernel per scale, summed; each must be positive.</summary>
    public IReadOnlyList<double> Scales { get; init; } = DefaultScales;

    /// <inheritdoc />
    public override string Name => "mmd";

    /// <inheritdoc />
    public override void Validate() => ValidateKernel(Name, Scales);

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate();
        return ToPrior(context, Name, Kernel, Scales);
    }

    /// <summary>
    /// The unbiased MMD^2 between the codes of <paramref name="context"/>'s batch and as many prior draws, summed over
    /// C = 2 d sigma^2 times each scale; <paramref name="term"/> names the caller in the refusal of a model without a prior.
    /// </summary>
    internal static Tensor ToPrior(LossContext context, string term, MmdKernel kernel, IReadOnlyList<double> scales)
    {
        if (context.Model is not IGenerativeAutoencoder generative)
        {
            throw new InvalidOperationException(
                $"{term} compares the codes with the model's prior; {context.Model.Config.GetType().Name} has none. Use model kind \"wae\", \"vae\", \"conv_vae\", \"cvae\" or \"adversarial\".");
        }

        using var scope = torch.NewDisposeScope();
        Tensor codes = context.Output.Code.reshape(context.Output.Code.shape[0], -1);
        Tensor prior = generative.SamplePrior(codes.shape[0]).to(codes.device).to(codes.dtype);
        double variance = PriorVariance(context.Model, prior);
        double baseConstant = 2.0 * codes.shape[1] * variance;
        return MmdEstimator.Unbiased(codes, prior, kernel, [.. scales.Select(s => s * baseConstant)]).MoveToOuterDisposeScope();
    }

    /// <summary>Refuses an empty list of scales or a scale that is not a positive number, naming <paramref name="term"/>.scales.</summary>
    internal static void ValidateKernel(string term, IReadOnlyList<double>? scales)
    {
        if (scales is null || scales.Count == 0 || scales.Any(s => !(s > 0) || double.IsInfinity(s)))
        {
            throw new ArgumentException($"{term}: scales (the kernel's multipliers of 2 d sigma^2) must be positive numbers, e.g. [0.1, 0.2, 0.5, 1, 2, 5, 10]; found [{string.Join(", ", scales ?? [])}].");
        }
    }

    /// <summary>
    /// The prior's variance per code unit: the configured one for the Gaussian priors of the WAE, the VAEs and the
    /// Gaussian AAE; otherwise (a mixture prior) the mean per-unit variance of the prior sample.
    /// </summary>
    private static double PriorVariance(Autoencoder model, Tensor priorSample) => model switch
    {
        WassersteinAutoencoder wae => wae.WassersteinConfig.PriorStd * wae.WassersteinConfig.PriorStd,
        VariationalModel => 1.0,
        AdversarialAutoencoder { AdversarialConfig.Prior: { Kind: AdversarialPriorKind.Gaussian } prior } => prior.Std * prior.Std,
        _ => priorSample.detach().to(ScalarType.Float64).var(0L).mean().item<double>(),
    };
}
