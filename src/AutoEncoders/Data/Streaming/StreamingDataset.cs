using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data.Streaming;

/// <summary>
/// Unlabelled float32 samples read from a file in blocks of consecutive rows, never the whole file at once: at most
/// two blocks are in memory (the one batches are drawn from and the next, read ahead on another thread). Shuffling
/// is by blocks with the trainer's generator: the order of the blocks is a seeded permutation, then the rows of each
/// block are permuted as the block is reached. A file of one block gives exactly the batches of
/// <see cref="TensorDataset.Batches"/> for the same generator. Every value read is checked to be finite.
/// </summary>
public abstract class StreamingDataset : IBatchSource, IDisposable
{
    /// <summary>Bytes of float32 values per block of a .npy file unless told otherwise (64 MiB).</summary>
    public const long DefaultBlockBytes = 64L << 20;

    /// <summary>Describes the samples of <paramref name="path"/>.</summary>
    protected StreamingDataset(string path, long count, long[] sampleShape)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sampleShape);
        Path = path;
        Count = count;
        SampleShape = sampleShape;
        SampleSize = sampleShape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Name => System.IO.Path.GetFileName(Path);

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public long[] SampleShape { get; }

    /// <inheritdoc />
    public long SampleSize { get; }

    /// <summary>Number of blocks the rows are read (and shuffled) in.</summary>
    public abstract int BlockCount { get; }

    /// <summary>
    /// What fixes the order of a shuffled epoch besides the generator: the file, its rows and its blocks. A checkpoint
    /// keeps it so that a run is resumed only on the same blocks.
    /// </summary>
    public string BatchOrder => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Count} rows of [{string.Join(", ", SampleShape)}] in {BlockCount} blocks of {BlockRows(0)} rows");

    /// <summary>Opens a .npy (float32, C order) or .parquet (numeric columns) file by its extension.</summary>
    /// <param name="path">The file.</param>
    /// <param name="blockRows">Rows per block of a .npy file; null for <see cref="DefaultBlockBytes"/> worth. A Parquet file's blocks are its row groups.</param>
    /// <exception cref="DataFormatException">The file is not a float32 C-order .npy or a Parquet file of numeric columns.</exception>
    public static StreamingDataset Open(string path, long? blockRows = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        return System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => new NpyStreamingDataset(path, blockRows),
            ".parquet" => blockRows is null ? new ParquetStreamingDataset(path) : throw new ArgumentException($"{path}: a Parquet file is read by its row groups; the block size (--block-rows) applies to .npy files only."),
            string other => throw new ArgumentException($"{path}: expected a .npy or .parquet file to stream; found the extension '{other}'."),
        };
    }

    /// <summary>First row of <paramref name="block"/>.</summary>
    public abstract long BlockStart(int block);

    /// <summary>Rows in <paramref name="block"/>.</summary>
    public abstract long BlockRows(int block);

    /// <inheritdoc />
    public long BatchCount(int batchSize, bool dropLast = false) =>
        dropLast ? Count / batchSize : (Count + batchSize - 1) / batchSize;

    /// <inheritdoc />
    public IEnumerable<Batch> Batches(int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false, int skip = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        long batches = BatchCount(batchSize, dropLast);
        int[] blocks = BlockOrder(shuffle, generator);

        // Find the block holding the first row wanted; the skipped blocks' row permutations are drawn and dropped so
        // that the generator is where an uninterrupted epoch would have it.
        long position = (long)skip * batchSize;
        int k = 0;
        long passed = 0;
        while (k < blocks.Length && passed + BlockRows(blocks[k]) <= position)
        {
            if (shuffle)
            {
                torch.randperm(BlockRows(blocks[k]), generator: generator).Dispose();
            }

            passed += BlockRows(blocks[k]);
            k++;
        }

        if (skip >= batches)
        {
            yield break;
        }

        var reader = new BlockReader(this, blocks);
        try
        {
            reader.Enter(k, shuffle, generator, position - passed);
            for (long b = skip; b < batches; b++)
            {
                long size = Math.Min(batchSize, Count - (b * batchSize));
                Tensor features = reader.Take(size, shuffle, generator);
                try
                {
                    yield return new Batch(features, null, (int)b);
                }
                finally
                {
                    features.Dispose();
                }
            }
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>The first <paramref name="count"/> rows, in memory (e.g. to check the shape or draw pictures).</summary>
    public TensorDataset Head(long count)
    {
        count = Math.Clamp(count, 0, Count);
        Tensor features = torch.empty([count, .. SampleShape], ScalarType.Float32);
        for (int block = 0; block < BlockCount && BlockStart(block) < count; block++)
        {
            long rows = Math.Min(BlockRows(block), count - BlockStart(block));
            if (rows == BlockRows(block))
            {
                using Tensor part = features.narrow(0, BlockStart(block), rows);
                Fill(block, part);
            }
            else
            {
                using Tensor whole = torch.empty([BlockRows(block), .. SampleShape], ScalarType.Float32);
                Fill(block, whole);
                using Tensor part = features.narrow(0, BlockStart(block), rows);
                using Tensor first = whole.narrow(0, 0, rows);
                part.copy_(first);
            }
        }

        return new TensorDataset(features, name: Name, note: count < Count ? $"first {count} of {Count} rows" : null) { SourcePath = Path };
    }

    /// <summary>All the rows in memory, for data that fits (e.g. a test set).</summary>
    public TensorDataset ToDataset() => Head(Count);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads the float32 values of <paramref name="block"/>'s rows, row after row, into <paramref name="destination"/>.</summary>
    /// <exception cref="DataFormatException">The file holds something else there.</exception>
    protected abstract void ReadBlock(int block, Span<float> destination);

    /// <summary>Where value <paramref name="index"/> of row <paramref name="row"/> is, for messages, e.g. "row 12, column 'age'".</summary>
    protected virtual string Place(long row, long index) => string.Create(CultureInfo.InvariantCulture, $"row {row}, value {index}");

    /// <summary>Releases the file.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Reads <paramref name="block"/> into <paramref name="destination"/> (contiguous, [rows, ...]) and checks that every value is finite.</summary>
    internal void Fill(int block, Tensor destination)
    {
        (IntPtr start, int values) = Memory(block, destination);
        Read(block, start, values);
    }

    /// <summary>Where <paramref name="destination"/>'s values are, to read <paramref name="block"/> into them, e.g. from a read-ahead thread that must not touch tensors.</summary>
    internal unsafe (IntPtr Start, int Values) Memory(int block, Tensor destination)
    {
        long values = BlockRows(block) * SampleSize;
        if (values > int.MaxValue)
        {
            throw new DataFormatException(Path, $"block {block}", $"expected blocks of at most {int.MaxValue} values; this one holds {values} ({BlockRows(block)} rows). Write the file with smaller row groups or pass a smaller block size.");
        }

        // The span over the tensor's own memory, with no handle made: Storage.Create makes an alias tensor that
        // only the finalizer frees, which kept every block alive until a garbage collection.
        fixed (byte* start = destination.bytes)
        {
            return ((IntPtr)start, (int)values);
        }
    }

    /// <summary>
    /// Reads <paramref name="block"/> into <paramref name="values"/> floats at <paramref name="start"/> and checks that
    /// each is finite, in managed code only, so that it can run on a read-ahead thread.
    /// </summary>
    internal unsafe void Read(int block, IntPtr start, int values)
    {
        var span = new Span<float>((float*)start, values);
        ReadBlock(block, span);
        int bad = FirstNonFinite(span);
        if (bad >= 0)
        {
            throw new DataFormatException(Path, Place(BlockStart(block) + (bad / SampleSize), bad % SampleSize),
                $"expected a finite number; found {span[bad].ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    // x - x is 0 for a finite x and NaN for NaN and infinities: one vectorised pass, no allocation.
    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero))
                {
                    break;
                }

                i += Vector<float>.Count;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private int[] BlockOrder(bool shuffle, Generator? generator)
    {
        if (!shuffle || BlockCount == 1)
        {
            // One block: no block order is drawn, so the rows' permutation is the in-memory one.
            return [.. Enumerable.Range(0, BlockCount)];
        }

        using Tensor order = torch.randperm(BlockCount, generator: generator);
        return [.. order.data<long>().ToArray().Select(b => (int)b)];
    }
}
