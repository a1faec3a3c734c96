using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>A stack of dense layers run in order, shared by the dense model kinds' decoders.</summary>
internal static class DenseStack
{
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
