namespace AutoEncoders.Models.Adversarial;

/// <summary>The distribution an adversarial autoencoder's discriminator pushes the codes towards.</summary>
public enum AdversarialPriorKind
{
    /// <summary>An isotropic Gaussian N(0, std^2 I).</summary>
    Gaussian,

    /// <summary>
    /// A mixture of equally weighted isotropic Gaussians whose means lie on a circle of a given radius in the first
    /// two code axes (Makhzani et al., 2015, figure 4), one component per class when labels are given.
    /// </summary>
    Mixture,
}
