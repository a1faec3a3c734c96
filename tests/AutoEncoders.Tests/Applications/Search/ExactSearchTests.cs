using AutoEncoders.Applications.Search;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Applications.Search;

public sealed class ExactSearchTests
{
    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Hamming)]
    public void Each_item_finds_itself_first(DistanceMetric metric)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(11);
        using var index = new CodeIndex(torch.rand(500, 48, generator: generator));

        SearchResults results = index.Search(index.Codes, 5, metric);

        for (int q = 0; q < 500; q++)
        {
            Assert.Equal(q, results.Indices[q][0]);
            Assert.Equal(0f, results.Distances[q][0], 1e-3f);
            Assert.True(results.Distances[q][1] > results.Distances[q][0], $"query {q}: the second item is as near as the query itself");
        }
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Float_search_agrees_with_a_brute_force_reference_across_chunks(DistanceMetric metric)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(12);
        // More items than one chunk holds for 300 queries, so the running top-k merge is exercised.
        Tensor items = torch.randn(70_000, 8, generator: generator);
        Tensor queries = torch.randn(300, 8, generator: generator);

        SearchResults results = ExactSearch.Search(items, queries, 7, metric);

        float[] x = items.data<float>().ToArray();
        float[] y = queries.data<float>().ToArray();
        foreach (int q in new[] { 0, 1, 137, 299 })
        {
            var reference = Enumerable.Range(0, 70_000).Select(i => (Distance: Reference(x.AsSpan(i * 8, 8), y.AsSpan(q * 8, 8), metric), Index: (long)i))
                .OrderBy(p => p.Distance).ThenBy(p => p.Index).Take(7).ToArray();
            Assert.Equal(reference.Select(r => r.Index), results.Indices[q]);
            for (int i = 0; i < 7; i++)
            {
                Assert.Equal(reference[i].Distance, results.Distances[q][i], 1e-4);
            }
        }
    }

    [Fact]
    public void Hamming_search_agrees_with_a_brute_force_reference_with_ties_by_position()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(13);
        foreach (int bits in new[] { 12, 100 })
        {
            // 12 bits: many equal distances, so the tie rule matters; 100 bits: two words per item.
            Tensor codes = torch.rand(3000, bits, generator: generator);
            Tensor queries = torch.rand(20, bits, generator: generator);
            bool[] a = codes.gt(0.5).data<bool>().ToArray();
            bool[] b = queries.gt(0.5).data<bool>().ToArray();

            SearchResults results = ExactSearch.Search(codes, queries, 15, DistanceMetric.Hamming);

            for (int q = 0; q < 20; q++)
            {
                var reference = Enumerable.Range(0, 3000)
                    .Select(i => (Distance: Enumerable.Range(0, bits).Count(j => a[(i * bits) + j] != b[(q * bits) + j]), Index: (long)i))
                    .OrderBy(p => p.Distance).ThenBy(p => p.Index).Take(15).ToArray();
                Assert.Equal(reference.Select(r => r.Index), results.Indices[q]);
                Assert.Equal(reference.Select(r => (float)r.Distance), results.Distances[q]);
            }
        }
    }

    [Fact]
    public void Precision_at_k_counts_neighbours_with_the_query_label_and_leave_one_out_drops_the_query()
    {
        var results = new SearchResults([[0, 1, 2], [1, 3, 0]], [[0, 1, 2], [0, 1, 2]]);
        long[] labels = [7, 7, 8, 7];

        Assert.Equal(((2.0 / 3) + 1.0) / 2, RetrievalPrecision.AtK(results, labels, [7, 7], 3), 12);
        SearchResults others = results.WithoutSelf([0, 1], 2);
        Assert.Equal([[1L, 2], [3L, 0]], others.Indices);
        Assert.Equal(0.75, RetrievalPrecision.AtK(others, labels, [7, 7], 2), 12);
    }

    [Fact]
    public void Mean_distances_average_each_querys_neighbours_and_a_self_search_drops_the_querys_own_position_even_behind_a_tie()
    {
        // Query 0's own row (position 0) is found second, behind its duplicate at position 2: the duplicate stays.
        var self = new SearchResults([[2, 0, 1], [1, 2, 0]], [[0, 0, 3], [0, 1, 4]]);
        SearchResults others = self.WithoutSelf(2);
        Assert.Equal([[2L, 1], [2L, 0]], others.Indices);
        Assert.Equal([1.5, 2.5], others.MeanDistances());
        Assert.Equal([0.0], new SearchResults([[]], [[]]).MeanDistances());
    }

    private static double Reference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, DistanceMetric metric)
    {
        double dot = 0, aa = 0, bb = 0, squared = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
            squared += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
        }

        return metric == DistanceMetric.Cosine ? 1 - (dot / Math.Sqrt(aa * bb)) : Math.Sqrt(squared);
    }
}
