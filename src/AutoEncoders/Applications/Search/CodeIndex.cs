using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Search;

/// <summary>
/// A searchable collection of codes kept in one file: float32 codes [N, d] with optional class labels and item ids,
/// and a free-text source (how the codes were made, e.g. JSON naming the model). The file is written atomically,
/// can be appended to (a new file with the old items first) and rebuilt, and is searched exactly by
/// <see cref="Search"/> (Euclidean, cosine, or Hamming on the codes thresholded at 0.5).
/// </summary>
/// <remarks>
/// File layout, little-endian: the 8 bytes "AECODEIX", int32 format version (1), int32 dimensions d, int64 count N,
/// int32 flags (1 = labels, 2 = ids), int32 byte length and UTF-8 bytes of the source; N·d float32 codes row by row;
/// N int64 labels when flagged; N ids (int32 byte length, UTF-8 bytes) when flagged.
/// </remarks>
public sealed class CodeIndex : IDisposable
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The eight bytes every code index file starts with: "AECODEIX".</summary>
    public static ReadOnlySpan<byte> Magic => "AECODEIX"u8;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private BinaryCodes? _binary;

    /// <summary>An index of <paramref name="codes"/> [N, ...] (flattened to [N, d], float32, CPU; copied).</summary>
    public CodeIndex(Tensor codes, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? ids = null, string source = "")
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(source);
        if (codes.dim() < 2)
        {
            throw new ArgumentException($"Codes must be [N, d]; found shape [{string.Join(", ", codes.shape)}].", nameof(codes));
        }

        Codes = codes.detach().reshape(codes.shape[0], -1).to_type(ScalarType.Float32).cpu().contiguous().clone();
        Codes.DetachFromDisposeScope();
        if (labels is not null && labels.Count != Count)
        {
            throw new ArgumentException($"Expected one label per code ({Count}); found {labels.Count}.", nameof(labels));
        }

        if (ids is not null && ids.Count != Count)
        {
            throw new ArgumentException($"Expected one id per code ({Count}); found {ids.Count}.", nameof(ids));
        }

        Labels = labels is null ? null : [.. labels];
        Ids = ids is null ? null : [.. ids];
        Source = source;
    }

    /// <summary>The codes [N, d], float32 on the CPU.</summary>
    public Tensor Codes { get; }

    /// <summary>Class label per item, or null.</summary>
    public IReadOnlyList<long>? Labels { get; }

    /// <summary>Id per item (e.g. "fashion-mnist:train:17"), or null.</summary>
    public IReadOnlyList<string>? Ids { get; }

    /// <summary>How the codes were made (free text, JSON by convention).</summary>
    public string Source { get; }

    /// <summary>Number of items.</summary>
    public long Count => Codes.shape[0];

    /// <summary>Values per code.</summary>
    public int Dimensions => (int)Codes.shape[1];

    /// <summary>The codes thresholded at 0.5 and packed to bits (made on first use).</summary>
    public BinaryCodes Binary => _binary ??= BinaryCodes.FromCodes(Codes);

    /// <summary>The <paramref name="k"/> nearest items to each query code [Q, d], nearest first.</summary>
    public SearchResults Search(Tensor queries, int k, DistanceMetric metric = DistanceMetric.Euclidean) =>
        metric == DistanceMetric.Hamming
            ? Binary.Search(BinaryCodes.FromCodes(queries), k)
            : ExactSearch.Search(Codes, queries, k, metric);

    /// <summary>
    /// A new index with this one's items followed by <paramref name="codes"/>; labels and ids must be given exactly
    /// when this index has them, and the dimension must match.
    /// </summary>
    public CodeIndex Append(Tensor codes, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? ids = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        long added = codes.shape[0];
        long width = added == 0 ? Dimensions : codes.numel() / added;
        if (width != Dimensions)
        {
            throw new ArgumentException($"The index holds codes of {Dimensions} values; the appended codes have {width}.", nameof(codes));
        }

        if ((labels is null) != (Labels is null))
        {
            throw new ArgumentException(Labels is null ? "The index has no labels; append without labels or rebuild it." : "The index has labels; give one label per appended code.", nameof(labels));
        }

        if ((ids is null) != (Ids is null))
        {
            throw new ArgumentException(Ids is null ? "The index has no item ids; append without ids or rebuild it." : "The index has item ids; give one id per appended code.", nameof(ids));
        }

        using var scope = torch.NewDisposeScope();
        Tensor all = torch.cat([Codes, codes.reshape(added, Dimensions).to_type(ScalarType.Float32).cpu()], 0);
        return new CodeIndex(all, Labels is null ? null : [.. Labels, .. labels!], Ids is null ? null : [.. Ids, .. ids!], Source);
    }

    /// <summary>
    /// Replaces the index at <paramref name="path"/> under the writers' lock (<see cref="LockPath"/>), waiting up to
    /// <paramref name="lockWait"/> (default <see cref="DefaultLockWait"/>): an append running at the same moment then
    /// lands before the new file or is applied to it, never silently lost to the rename.
    /// </summary>
    public void SaveExclusive(string path, TimeSpan? lockWait = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using ExclusiveFileLock writer = ExclusiveFileLock.Acquire(LockPath(path), $"the index {path}", lockWait ?? DefaultLockWait);
        Save(path);
    }

    /// <summary>Writes the index to <paramref name="path"/> atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        float[] values = Codes.data<float>().ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Dimensions);
            writer.Write(Count);
            writer.Write((Labels is null ? 0 : 1) | (Ids is null ? 0 : 2));
            byte[] source = Encoding.UTF8.GetBytes(Source);
            writer.Write(source.Length);
            writer.Write(source);
            writer.Flush();
            stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            if (Labels is not null)
            {
                foreach (long label in Labels)
                {
                    writer.Write(label);
                }
            }

            if (Ids is not null)
            {
                foreach (string id in Ids)
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(id);
                    writer.Write(bytes.Length);
                    writer.Write(bytes);
                }
            }
        });
    }

    /// <summary>Reads an index written by <see cref="Save"/>.</summary>
    /// <exception cref="DataFormatException">The file is not an index, has another version, or is truncated.</exception>
    public static CodeIndex Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such index file; build one with `ae index build`.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        long length = stream.Length;
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(0), "expected a code index (starting with \"AECODEIX\"); found other bytes. Build one with `ae index build`.");
            }

            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(8), $"expected index format version {FormatVersion}, found {version}; rebuild the index with this version of ae.");
            }

            // Every header field is checked against the bytes the file really has before anything is allocated:
            // a corrupt count or length must be refused, never trusted (an item count of 2^62 overflowed here).
            int dimensions = reader.ReadInt32();
            if (dimensions < 1 || (long)dimensions * sizeof(float) > length)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(12), $"expected the number of values per code (at least 1, and at most what the {length}-byte file can hold), found {dimensions}; the header is corrupt.");
            }

            long count = reader.ReadInt64();
            int flags = reader.ReadInt32();
            if ((flags & ~3) != 0)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(24), $"expected flags 0 to 3 (1 = labels, 2 = ids), found {flags}; the header is corrupt.");
            }

            int sourceLength = reader.ReadInt32();
            long headerEnd = stream.Position;
            if (sourceLength < 0 || sourceLength > length - headerEnd)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(28), $"expected the byte length of the source text (0 to the {length - headerEnd} bytes left in the file), found {sourceLength}; the header is corrupt.");
            }

            // Each item takes its code, its label when flagged and at least the 4-byte length of its id when flagged.
            long itemBytes = ((long)dimensions * sizeof(float)) + ((flags & 1) != 0 ? sizeof(long) : 0) + ((flags & 2) != 0 ? sizeof(int) : 0);
            long room = (length - headerEnd - sourceLength) / itemBytes;
            if (count < 0 || count > room || count * dimensions > Array.MaxLength)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(16), $"expected an item count from 0 to {Math.Min(room, Array.MaxLength / dimensions)} ({itemBytes} bytes each fit in the {length - headerEnd - sourceLength} bytes after the header), found {count}; the header is corrupt or the file is truncated.");
            }

            string source = DecodeUtf8(reader.ReadBytes(sourceLength), path, headerEnd, "the source text");
            var values = new float[count * dimensions];
            long codesStart = stream.Position;
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            int nonFinite = Array.FindIndex(values, v => !float.IsFinite(v));
            if (nonFinite >= 0)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(codesStart + (4L * nonFinite)), $"expected finite code values, found {values[nonFinite]} (item {nonFinite / dimensions}, value {nonFinite % dimensions}); the index is corrupt.");
            }

            long[]? labels = null;
            if ((flags & 1) != 0)
            {
                labels = new long[count];
                stream.ReadExactly(MemoryMarshal.AsBytes(labels.AsSpan()));
                if (!BitConverter.IsLittleEndian)
                {
                    for (long i = 0; i < count; i++)
                    {
                        labels[i] = BinaryPrimitives.ReverseEndianness(labels[i]);
                    }
                }
            }

            string[]? ids = null;
            if ((flags & 2) != 0)
            {
                ids = new string[count];
                for (long i = 0; i < count; i++)
                {
                    int size = reader.ReadInt32();
                    if (size < 0 || stream.Position + size > length)
                    {
                        throw new DataFormatException(path, DataFormatException.AtOffset(stream.Position), $"expected the id of item {i}, found a length of {size} that runs past the end; rebuild the index.");
                    }

                    ids[i] = DecodeUtf8(reader.ReadBytes(size), path, stream.Position - size, $"the id of item {i}");
                }
            }

            if (stream.Position != length)
            {
                throw new DataFormatException(path, DataFormatException.AtOffset(stream.Position), $"expected the end of the index, found {length - stream.Position} more bytes.");
            }

            using var scope = torch.NewDisposeScope();
            Tensor codes = torch.tensor(values, [count, dimensions], dtype: ScalarType.Float32);
            return new CodeIndex(codes, labels, ids, source);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFormatException(path, DataFormatException.AtOffset(stream.Position), "expected more bytes: the index is truncated; rebuild it.", e);
        }
    }

    private static string DecodeUtf8(byte[] bytes, string path, long offset, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(path, DataFormatException.AtOffset(offset), $"expected {what} in UTF-8, found invalid bytes; the index is corrupt.", e);
        }
    }

    /// <summary>How long <see cref="AppendTo"/> waits for another writer of the same index by default.</summary>
    public static readonly TimeSpan DefaultLockWait = TimeSpan.FromMinutes(2);

    /// <summary>The lock file that serialises writers of the index at <paramref name="path"/>: ".NAME.lock" beside it.</summary>
    public static string LockPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");
    }

    /// <summary>
    /// Appends to the index file at <paramref name="path"/> (rewritten atomically) and returns the new item count.
    /// Writers of one index take turns: the file is read, extended and replaced under an exclusive lock (see
    /// <see cref="LockPath"/>), waiting up to <paramref name="lockWait"/> (default <see cref="DefaultLockWait"/>) for
    /// another writer, so two appends at once both land.
    /// </summary>
    public static long AppendTo(string path, Tensor codes, IReadOnlyList<long>? labels = null, IReadOnlyList<string>? ids = null, TimeSpan? lockWait = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using ExclusiveFileLock writer = ExclusiveFileLock.Acquire(LockPath(path), $"the index {path}", lockWait ?? DefaultLockWait);
        using CodeIndex existing = Load(path);
        using CodeIndex appended = existing.Append(codes, labels, ids);
        appended.Save(path);
        return appended.Count;
    }

    /// <inheritdoc />
    public void Dispose() => Codes.Dispose();
}
