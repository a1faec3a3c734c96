using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Search;

/// <summary>
/// Exact k-nearest-neighbour search of float codes, vectorised: the collection is read in chunks, each chunk's
/// distances to a block of queries come from one matrix product (‖q − x‖² = ‖q‖² − 2 q·x + ‖x‖²; cosine distance
/// 1 − q̂·x̂), and a running top-k is merged chunk by chunk, so memory stays bounded for millions of items.
/// Euclidean distances returned are recomputed directly for the k winners, so they are exact to float precision.
/// </summary>
public static class ExactSearch
{
    /// <summary>Largest distance matrix (queries × items) computed at once, in values.</summary>
    public const long BlockValues = 1L << 24;

    /// <summary>
    /// The <paramref name="k"/> nearest rows of <paramref name="collection"/> [N, d] to each row of
    /// <paramref name="queries"/> [Q, d] by <paramref name="metric"/> (Euclidean or cosine), nearest first.
    /// </summary>
    public static SearchResults Search(Tensor collection, Tensor queries, int k, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (metric == DistanceMetric.Hamming)
        {
            return BinaryCodes.FromCodes(collection).Search(BinaryCodes.FromCodes(queries), k);
        }

        using var scope = torch.NewDisposeScope();
        Tensor items = collection.reshape(collection.shape[0], -1).to_type(ScalarType.Float32);
        Tensor asked = queries.reshape(queries.shape[0], -1).to_type(ScalarType.Float32).to(items.device);
        long n = items.shape[0], d = items.shape[1], q = asked.shape[0];
        if (asked.shape[1] != d)
        {
            throw new ArgumentException($"Queries have {asked.shape[1]} values each but the collection's codes have {d}.", nameof(queries));
        }

        if (n == 0)
        {
            throw new ArgumentException("The collection is empty; there is nothing to search.", nameof(collection));
        }

        int kk = (int)Math.Min(k, n);
        bool cosine = metric == DistanceMetric.Cosine;
        long queryBlock = Math.Clamp(BlockValues / Math.Min(n, 65536), 1, Math.Max(1, q));
        long chunk = Math.Max(1, Math.Min(n, BlockValues / queryBlock));
        var indices = new long[q][];
        var distances = new float[q][];
        using var noGrad = torch.no_grad();

        // Per item, once: ‖x‖² (Euclidean) or 1/‖x‖ (cosine). A query's own ‖q‖² does not change its ranking, so
        // items are ranked by ‖x‖² − 2 q·x (one fused addmm) and the winners' exact distances recomputed at the end.
        Tensor itemTerms = cosine ? items.norm(1).clamp_min(1e-12).reciprocal() : items.square().sum(1);
        for (long start = 0; start < q; start += queryBlock)
        {
            using var blockScope = torch.NewDisposeScope();
            long size = Math.Min(queryBlock, q - start);
            Tensor block = asked.narrow(0, start, size);
            if (cosine)
            {
                block = Normalise(block);
            }

            Tensor? bestValues = null, bestIndices = null;
            for (long from = 0; from < n; from += chunk)
            {
                long count = Math.Min(chunk, n - from);
                Tensor part = items.narrow(0, from, count);
                Tensor terms = itemTerms.narrow(0, from, count).unsqueeze(0);

                // Ranking values, smaller is nearer: ‖x‖² − 2 q·x, or −cos(q, x).
                Tensor rank = cosine
                    ? block.matmul(part.t()).mul_(terms).neg_()
                    : terms.addmm(block, part.t(), beta: 1, alpha: -2);
                (Tensor values, Tensor positions) = rank.topk((int)Math.Min(kk, count), dim: 1, largest: false, sorted: true);
                positions = positions + from;
                if (bestValues is null)
                {
                    (bestValues, bestIndices) = (values, positions);
                }
                else
                {
                    Tensor allValues = torch.cat([bestValues, values], 1);
                    Tensor allPositions = torch.cat([bestIndices!, positions], 1);
                    (bestValues, Tensor order) = allValues.topk(kk, dim: 1, largest: false, sorted: true);
                    bestIndices = allPositions.gather(1, order);
                }
            }

            Tensor final = 1 + bestValues!;
            if (!cosine)
            {
                // Recompute the k winners' distances directly (the expansion loses digits when ‖q‖² ≈ ‖x‖² ≈ q·x)
                // and re-sort them.
                Tensor neighbours = items.index_select(0, bestIndices!.reshape(-1)).reshape(size, kk, d);
                Tensor exact = (block.unsqueeze(1) - neighbours).square().sum(2).sqrt();
                (final, Tensor order) = exact.sort(1, stable: true);
                bestIndices = bestIndices!.gather(1, order);
            }

            float[] flatValues = final.cpu().contiguous().data<float>().ToArray();
            long[] flatIndices = bestIndices!.cpu().contiguous().data<long>().ToArray();
            for (int i = 0; i < size; i++)
            {
                indices[start + i] = flatIndices.AsSpan(i * kk, kk).ToArray();
                distances[start + i] = flatValues.AsSpan(i * kk, kk).ToArray();
            }
        }

        return new SearchResults(indices, distances);
    }

    private static Tensor Normalise(Tensor rows) => rows / rows.norm(1, keepdim: true).clamp_min(1e-12);
}
