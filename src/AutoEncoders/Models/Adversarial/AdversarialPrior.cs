using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// The prior p(z) of an adversarial autoencoder: a Gaussian, or a mixture of Gaussians on a circle. With
/// <see cref="ConditionOnLabels"/>, labelled examples are matched to the component of their class and the
/// discriminator sees the label too (Makhzani et al., 2015, section 2.3).
/// </summary>
public sealed record AdversarialPrior
{
    /// <summary>Gaussian or mixture.</summary>
    public AdversarialPriorKind Kind { get; init; } = AdversarialPriorKind.Gaussian;

    /// <summary>Standard deviation of the Gaussian, or of each mixture component.</summary>
    public double Std { get; init; } = 1.0;

    /// <summary>Number of mixture components (the number of classes when conditioning on labels).</summary>
    public int Components { get; init; } = 10;

    /// <summary>Radius of the circle the component means lie on (first two code axes).</summary>
    public double Radius { get; init; } = 4.0;

    /// <summary>Give the discriminator the label (one-hot) and draw each labelled example's prior code from its class's component.</summary>
    public bool ConditionOnLabels { get; init; }

    /// <summary>The prior in words, for captions.</summary>
    public string Description => Kind == AdversarialPriorKind.Gaussian
        ? FormattableString.Invariant($"the prior N(0, {Std:G3}^2 I)")
        : FormattableString.Invariant($"the prior: a mixture of {Components} Gaussians (std {Std:G3}) on a circle of radius {Radius:G3}");

    /// <summary>Checks the fields, throwing <see cref="ArgumentException"/> naming the offending one.</summary>
    public void Validate()
    {
        if (!(Std > 0) || double.IsInfinity(Std))
        {
            throw new ArgumentException($"prior.std must be a positive number; found {Std}.");
        }

        if (Kind == AdversarialPriorKind.Mixture && (Components < 2 || !(Radius > 0)))
        {
            throw new ArgumentException($"a mixture prior needs at least 2 components and a positive radius; found {Components} and {Radius}.");
        }

        if (ConditionOnLabels && Kind != AdversarialPriorKind.Mixture)
        {
            throw new ArgumentException("prior.conditionOnLabels needs kind mixture (one component per class).");
        }
    }

    /// <summary>The component means [Components, dimension] (mixture only).</summary>
    public Tensor ComponentMeans(long dimension, Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        // Explicit Scalars kept alive for the whole call (see AdversarialTrainingStep.DiscriminatorLoss).
        using Scalar step = (2 * Math.PI / Components).ToScalar();
        using Scalar radius = Radius.ToScalar();
        Tensor angles = torch.arange(Components, dtype: ScalarType.Float32).mul(step);
        Tensor means = torch.zeros(Components, dimension);
        means[.., 0] = torch.cos(angles).mul(radius);
        if (dimension > 1)
        {
            means[.., 1] = torch.sin(angles).mul(radius);
        }

        return means.to(device ?? torch.CPU).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="count"/> draws [count, dimension]; with <paramref name="components"/> [count] (class labels,
    /// values in 0..Components-1), each from that component, otherwise from a component chosen uniformly.
    /// </summary>
    public Tensor Sample(long count, long dimension, Generator? generator = null, Tensor? components = null, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        using Scalar std = Std.ToScalar();
        device ??= components?.device ?? torch.CPU;
        Tensor noise = torch.randn([count, dimension], generator: generator).to(device).mul(std);
        if (Kind == AdversarialPriorKind.Gaussian)
        {
            return noise.MoveToOuterDisposeScope();
        }

        Tensor chosen = components is not null
            ? components.to(ScalarType.Int64).to(device)
            : torch.randint(0, Components, [count], generator: generator).to(device);
        return (ComponentMeans(dimension, device).index_select(0, chosen) + noise).MoveToOuterDisposeScope();
    }
}
