using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Adversarial;

/// <summary>
/// The code discriminators of the adversarial autoencoders (Makhzani et al., 2015): dense layers with leaky ReLU
/// (slope 0.2) between them and one output logit (prior draw versus data code). Shared by
/// <see cref="AdversarialAutoencoder"/> and the two discriminators of <see cref="SemiSupervisedAdversarialAutoencoder"/>.
/// </summary>
internal static class CodeDiscriminator
{
    /// <summary>Adds to <paramref name="layers"/> the linear layers from <paramref name="input"/> through <paramref name="hidden"/> to one logit.</summary>
    public static void Build(ModuleList<Linear> layers, long input, IReadOnlyList<int> hidden)
    {
        foreach (int size in hidden)
        {
            layers.Add(nn.Linear(input, size));
            input = size;
        }

        layers.Add(nn.Linear(input, 1));
    }

    /// <summary>The logit [B] of <paramref name="layers"/> on <paramref name="code"/> [B, d].</summary>
    public static Tensor Logit(IList<Linear> layers, Tensor code)
    {
        using var scope = torch.NewDisposeScope();
        // An explicit Scalar kept alive for the whole call: an implicit temporary can be finalized while libtorch
        // still reads it ("Unknown scalar type"; tests/AutoEncoders.Tests/Build/ScalarLifetimeTests.cs).
        using Scalar slope = 0.2.ToScalar();
        Tensor h = code;
        int last = layers.Count - 1;
        for (int i = 0; i < last; i++)
        {
            h = layers[i].forward(h).leaky_relu(slope);
        }

        return layers[last].forward(h).squeeze(1).MoveToOuterDisposeScope();
    }
}
