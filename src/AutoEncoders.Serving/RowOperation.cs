using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// A per-row computation the <see cref="InferenceBatcher"/> may gather from many requests into one forward pass:
/// rows [N, ...<see cref="ItemShape"/>] in, a tensor whose first dimension is N out (each row flattened).
/// </summary>
/// <param name="Name">For logs and statistics (encode, decode, reconstruct, score).</param>
/// <param name="ItemShape">Shape of one input row.</param>
/// <param name="Forward">The computation; it runs on the inference thread, inside inference mode.</param>
public sealed record RowOperation(string Name, long[] ItemShape, Func<Tensor, Tensor> Forward)
{
    /// <summary>Numbers in one input row.</summary>
    public long ItemSize { get; } = ItemShape.Aggregate(1L, (a, b) => a * b);
}
