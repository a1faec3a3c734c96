namespace AutoEncoders.Applications.Search;

/// <summary>The k nearest items of each query, nearest first.</summary>
/// <param name="Indices">Per query, the positions of its neighbours in the searched collection.</param>
/// <param name="Distances">Per query, the distance to each neighbour (Euclidean, cosine distance or Hamming bits).</param>
public sealed record SearchResults(long[][] Indices, float[][] Distances)
{
    /// <summary>Number of queries.</summary>
    public int QueryCount => Indices.Length;

    /// <summary>Each query's mean distance to its neighbours (0 for a query with none): the k-NN anomaly score.</summary>
    public double[] MeanDistances() => [.. Distances.Select(d => d.Length == 0 ? 0 : d.Average(v => (double)v))];

    /// <summary>
    /// <see cref="WithoutSelf(IReadOnlyList{long}, int)"/> for a collection searched against itself, query q being item q (found with
    /// k + 1 neighbours, so <paramref name="k"/> remain).
    /// </summary>
    public SearchResults WithoutSelf(int k) => WithoutSelf([.. Enumerable.Range(0, QueryCount).Select(i => (long)i)], k);

    /// <summary>
    /// Drops each query's own position from its neighbours (leave-one-out search with queries taken from the
    /// collection itself) and keeps at most <paramref name="k"/>; when the query is not among its neighbours the
    /// farthest is dropped instead.
    /// </summary>
    public SearchResults WithoutSelf(IReadOnlyList<long> queryPositions, int k)
    {
        ArgumentNullException.ThrowIfNull(queryPositions);
        if (queryPositions.Count != QueryCount)
        {
            throw new ArgumentException($"Expected one position per query ({QueryCount}); found {queryPositions.Count}.", nameof(queryPositions));
        }

        var indices = new long[QueryCount][];
        var distances = new float[QueryCount][];
        for (int q = 0; q < QueryCount; q++)
        {
            int self = Array.IndexOf(Indices[q], queryPositions[q]);
            IEnumerable<int> keep = Enumerable.Range(0, Indices[q].Length).Where(i => i != self).Take(k);
            int[] kept = [.. keep];
            indices[q] = [.. kept.Select(i => Indices[q][i])];
            distances[q] = [.. kept.Select(i => Distances[q][i])];
        }

        return new SearchResults(indices, distances);
    }
}
