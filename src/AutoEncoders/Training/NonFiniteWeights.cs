using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training;

/// <summary>Finds weights that an update made NaN or infinite, so that they are never saved or trained on.</summary>
internal static class NonFiniteWeights
{
    /// <summary>The name of the first floating-point weight or buffer holding a NaN or infinity, or null (one host read).</summary>
    public static string? First(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        (string Name, Tensor Value)[] floating = [.. model.state_dict().Where(p => p.Value.is_floating_point()).Select(p => (p.Key, p.Value))];
        if (floating.Length == 0)
        {
            return null;
        }

        using Tensor finite = torch.stack(floating.Select(p => p.Value.detach().isfinite().all()).ToArray()).cpu();
        int first = Array.IndexOf(finite.data<bool>().ToArray(), false);
        return first < 0 ? null : floating[first].Name;
    }
}
