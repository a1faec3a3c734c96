using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>A stack of dense layers run in order, shared by the dense model kinds' encoders and decoders.</summary>
internal static class DenseStack
{
    /// <summary>Adds to <paramref name="layers"/> one linear layer per consecutive pair of <paramref name="sizes"/>.</summary>
    public static void Build(ModuleList<Linear> layers, IReadOnlyList<int> sizes)
    {
        for (int i = 0; i < sizes.Count - 1; i++)
        {
            layers.Add(TorchSharp.torch.nn.Linear(sizes[i], sizes[i + 1]));
        }
    }

    /// <summary>
    /// <paramref name="layers"/> applied to <paramref name="input"/>, <paramref name="hidden"/> after each but the
    /// last and <paramref name="output"/> after the last; also returns the last pre-activation (logits for a sigmoid).
    /// </summary>
    public static (Tensor Output, Tensor PreActivation) Run(IList<Linear> layers, Tensor input, Activation hidden, Activation output)
    {
        Tensor h = input;
        Tensor z = h;
        int last = layers.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            z = layers[i].forward(h);
            h = ActivationFunction.Apply(i == last ? output : hidden, z);
        }

        return (h, z);
    }
}
