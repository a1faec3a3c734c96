using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// A model that lists its own layers for <see cref="ModelSummary"/> by running a sample through them, so the
/// summary can use the model's own layer names and group an activation with the layer it belongs to (as Keras does).
/// </summary>
public interface ILayerSummarySource
{
    /// <summary>
    /// Runs <paramref name="sample"/> (a batch shaped [B, ...InputShape]) through every layer in order and returns
    /// one row per layer, input row excluded. Called in evaluation mode without gradients.
    /// </summary>
    IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample);
}
