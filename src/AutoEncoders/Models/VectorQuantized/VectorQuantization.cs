using static TorchSharp.torch;

namespace AutoEncoders.Models.VectorQuantized;

/// <summary>What the <see cref="VectorQuantizer"/> made of one batch of encoder outputs.</summary>
/// <param name="Quantized">The nearest codebook vectors with the straight-through gradient: z_e + sg(e - z_e), shaped like z_e.</param>
/// <param name="Indices">The chosen code of every vector, [B, M] (int64).</param>
/// <param name="Commitment">beta * mean ||z_e - sg(e)||^2 (mean over vectors and dimensions).</param>
/// <param name="CodebookLoss">mean ||sg(z_e) - e||^2 with <see cref="CodebookUpdate.Loss"/>; a zero without gradient with <see cref="CodebookUpdate.Ema"/>.</param>
/// <param name="Perplexity">exp of the entropy of the batch's code histogram: K when all codes are used equally, 1 when one code takes everything.</param>
/// <param name="UsedFraction">Fraction of the K codes chosen at least once in the batch.</param>
public sealed record VectorQuantization(Tensor Quantized, Tensor Indices, Tensor Commitment, Tensor CodebookLoss, Tensor Perplexity, Tensor UsedFraction);
