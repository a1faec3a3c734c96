using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>One mini-batch: features [B, ...], optional labels [B] and the position of the batch in its epoch.</summary>
/// <param name="Features">Float32 inputs.</param>
/// <param name="Labels">Int64 class labels, when the dataset has them.</param>
/// <param name="Index">Zero-based batch number within the epoch.</param>
public readonly record struct Batch(Tensor Features, Tensor? Labels, int Index)
{
    /// <summary>Number of samples in the batch.</summary>
    public long Size => Features.shape[0];
}
