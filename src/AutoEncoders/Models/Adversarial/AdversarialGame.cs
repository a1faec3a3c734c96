using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// The adversarial game of Makhzani et al. (2015) as both <see cref="AdversarialTrainingStep"/> and
/// <see cref="SemiSupervisedAdversarialTrainingStep"/> play it: the optimiser settings of the adversarial phases and
/// the discriminator's and generator's losses on discriminator logits.
/// </summary>
internal static class AdversarialGame
{
    /// <summary>The options of the discriminator and generator phases: Adam's (or AdamW's) beta1 lowered to 0.5, other optimisers as given.</summary>
    public static OptimizerOptions AdversarialPhaseOptions(OptimizerOptions options) =>
        options.Kind is OptimizerKind.Adam or OptimizerKind.AdamW ? options with { Beta1 = 0.5 } : options;

    /// <summary>0.5 * (BCE(<paramref name="real"/>, 1) + BCE(<paramref name="fake"/>, 0)): prior draws are "real", data codes "fake".</summary>
    public static Tensor DiscriminatorLoss(Tensor real, Tensor fake)
    {
        // An explicit Scalar, alive until the method returns: an implicit one (0.5 * t) is unreachable once
        // TorchSharp has read its handle, so a collection during the native call can free it mid-use
        // (libtorch: "Unknown scalar type"; docs/reliability.md).
        using Scalar half = 0.5.ToScalar();
        return (nn.functional.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + nn.functional.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))).mul(half);
    }

    /// <summary>BCE(<paramref name="fooled"/>, 1): the encoder wants the discriminator to call its codes prior draws.</summary>
    public static Tensor GeneratorLoss(Tensor fooled) =>
        nn.functional.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled));
}
