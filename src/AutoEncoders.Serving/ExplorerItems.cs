using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// The test items the explorer page shows: samples [N, ...] (data space, as the model takes them), their labels
/// and class names, and the dataset's name.
/// </summary>
/// <param name="Samples">The samples, float32 [N, ...input shape].</param>
/// <param name="Labels">One label per sample; null when the data has none.</param>
/// <param name="ClassNames">Names of the labels; may be empty.</param>
/// <param name="Name">The dataset, e.g. "fashion-mnist/test".</param>
public sealed record ExplorerItems(Tensor Samples, long[]? Labels, IReadOnlyList<string> ClassNames, string Name);
