using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Search;

/// <summary>
/// Codes thresholded to bits and packed into 64-bit words (semantic hashing, Salakhutdinov and Hinton 2009):
/// bit j of an item is set when code unit j exceeds the threshold. Search is exact by Hamming distance with
/// hardware popcount, and ties are broken by position so results are deterministic.
/// </summary>
public sealed class BinaryCodes
{
    private readonly ulong[] _words;

    /// <summary>Wraps packed words: <paramref name="count"/> items of <paramref name="bits"/> bits, ⌈bits/64⌉ words each.</summary>
    public BinaryCodes(ulong[] words, int bits, long count)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        WordsPerItem = (bits + 63) / 64;
        if (words.LongLength != count * WordsPerItem)
        {
            throw new ArgumentException($"{count} items of {bits} bits need {count * WordsPerItem} words; found {words.LongLength}.", nameof(words));
        }

        _words = words;
        Bits = bits;
        Count = count;
    }

    /// <summary>Bits per item (the code size).</summary>
    public int Bits { get; }

    /// <summary>Number of items.</summary>
    public long Count { get; }

    /// <summary>64-bit words per item.</summary>
    public int WordsPerItem { get; }

    /// <summary>The packed words, item by item.</summary>
    public ReadOnlySpan<ulong> Words => _words;

    /// <summary>Thresholds codes [N, d] (values above <paramref name="threshold"/> become 1) and packs them.</summary>
    public static BinaryCodes FromCodes(Tensor codes, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(codes);
        using var scope = torch.NewDisposeScope();
        Tensor flat = codes.reshape(codes.shape[0], -1);
        long n = flat.shape[0];
        int bits = (int)flat.shape[1];
        byte[] set = flat.gt(threshold).to_type(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
        int words = (bits + 63) / 64;
        var packed = new ulong[n * words];
        for (long i = 0; i < n; i++)
        {
            long offset = i * bits;
            for (int j = 0; j < bits; j++)
            {
                if (set[offset + j] != 0)
                {
                    packed[(i * words) + (j >> 6)] |= 1UL << (j & 63);
                }
            }
        }

        return new BinaryCodes(packed, bits, n);
    }

    /// <summary>Hamming distance between item <paramref name="i"/> here and item <paramref name="j"/> of <paramref name="other"/>.</summary>
    public int Distance(long i, BinaryCodes other, long j)
    {
        ArgumentNullException.ThrowIfNull(other);
        int distance = 0;
        for (int w = 0; w < WordsPerItem; w++)
        {
            distance += BitOperations.PopCount(_words[(i * WordsPerItem) + w] ^ other._words[(j * WordsPerItem) + w]);
        }

        return distance;
    }

    /// <summary>
    /// The <paramref name="k"/> items nearest to each query by Hamming distance, nearest first, equal distances in
    /// order of position. One pass of XOR-popcount per query, then a counting selection by distance (O(N)).
    /// </summary>
    public SearchResults Search(BinaryCodes queries, int k)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (queries.Bits != Bits)
        {
            throw new ArgumentException($"Queries have {queries.Bits} bits but the collection's codes have {Bits}.", nameof(queries));
        }

        if (Count == 0)
        {
            throw new ArgumentException("The collection is empty; there is nothing to search.", nameof(queries));
        }

        int kk = (int)Math.Min(k, Count);
        var indices = new long[queries.Count][];
        var distances = new float[queries.Count][];
        var distance = new int[Count];
        var histogram = new long[Bits + 2];
        for (long q = 0; q < queries.Count; q++)
        {
            Array.Clear(histogram);
            ReadOnlySpan<ulong> query = queries._words.AsSpan((int)(q * WordsPerItem), WordsPerItem);
            if (WordsPerItem == 1)
            {
                ulong word = query[0];
                for (long i = 0; i < Count; i++)
                {
                    int d = BitOperations.PopCount(_words[i] ^ word);
                    distance[i] = d;
                    histogram[d]++;
                }
            }
            else
            {
                for (long i = 0; i < Count; i++)
                {
                    int d = 0;
                    long offset = i * WordsPerItem;
                    for (int w = 0; w < WordsPerItem; w++)
                    {
                        d += BitOperations.PopCount(_words[offset + w] ^ query[w]);
                    }

                    distance[i] = d;
                    histogram[d]++;
                }
            }

            // The smallest distance c such that at least k items lie within c; of those at exactly c, take the first.
            int cutoff = 0;
            long within = histogram[0];
            while (within < kk)
            {
                within += histogram[++cutoff];
            }

            long atCutoff = kk - (within - histogram[cutoff]);
            var found = new List<(int Distance, long Index)>(kk);
            for (long i = 0; i < Count && found.Count < kk; i++)
            {
                int d = distance[i];
                if (d < cutoff || (d == cutoff && atCutoff-- > 0))
                {
                    found.Add((d, i));
                }
            }

            found.Sort();
            indices[q] = [.. found.Select(f => f.Index)];
            distances[q] = [.. found.Select(f => (float)f.Distance)];
        }

        return new SearchResults(indices, distances);
    }
}
