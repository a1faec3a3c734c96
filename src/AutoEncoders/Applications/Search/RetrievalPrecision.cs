namespace AutoEncoders.Applications.Search;

/// <summary>Precision@k of a search by class label: the share of each query's k neighbours with the query's label.</summary>
public static class RetrievalPrecision
{
    /// <summary>
    /// Mean over queries of |{neighbours among the first <paramref name="k"/> with the query's label}| / k.
    /// </summary>
    public static double AtK(SearchResults results, IReadOnlyList<long> collectionLabels, IReadOnlyList<long> queryLabels, int k)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(collectionLabels);
        ArgumentNullException.ThrowIfNull(queryLabels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queryLabels.Count != results.QueryCount)
        {
            throw new ArgumentException($"Expected one label per query ({results.QueryCount}); found {queryLabels.Count}.", nameof(queryLabels));
        }

        if (results.QueryCount == 0)
        {
            throw new ArgumentException("No queries to measure precision on.", nameof(results));
        }

        double total = 0;
        for (int q = 0; q < results.QueryCount; q++)
        {
            long[] neighbours = results.Indices[q];
            if (neighbours.Length < k)
            {
                throw new ArgumentException($"Query {q} has {neighbours.Length} neighbours; precision@{k} needs {k}.", nameof(results));
            }

            int hits = 0;
            for (int i = 0; i < k; i++)
            {
                hits += collectionLabels[(int)neighbours[i]] == queryLabels[q] ? 1 : 0;
            }

            total += (double)hits / k;
        }

        return total / results.QueryCount;
    }
}
