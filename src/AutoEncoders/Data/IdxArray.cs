using System.Buffers.Binary;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>The decoded contents of one IDX file: element type, shape and the raw big-endian payload.</summary>
public sealed class IdxArray
{
    internal IdxArray(string path, IdxDataType dataType, int[] shape, byte[] payload, bool compressed, string contentSha256)
    {
        Path = path;
        DataType = dataType;
        Shape = shape;
        Payload = payload;
        Compressed = compressed;
        ContentSha256 = contentSha256;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Element type.</summary>
    public IdxDataType DataType { get; }

    /// <summary>Dimensions, outermost (the item count) first.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Whether the file was gzip-compressed.</summary>
    public bool Compressed { get; }

    /// <summary>SHA-256 of the uncompressed IDX bytes (header and payload), hex, lower case.</summary>
    public string ContentSha256 { get; }

    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>The raw payload in file (big-endian) order.</summary>
    internal byte[] Payload { get; }

    /// <summary>Bytes per element for a data type.</summary>
    public static int ElementSize(IdxDataType type) => type switch
    {
        IdxDataType.UInt8 or IdxDataType.Int8 => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Float32 => 4,
        IdxDataType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX element type."),
    };

    /// <summary>
    /// The values as a float32 tensor of <see cref="Shape"/>. Unsigned bytes are scaled to [0, 1] (pixels), other
    /// types are converted as they are.
    /// </summary>
    public Tensor ToFloatTensor()
    {
        long[] shape = Shape.Select(d => (long)d).ToArray();
        if (DataType == IdxDataType.UInt8)
        {
            using Tensor bytes = torch.tensor(Payload, shape, dtype: ScalarType.Byte);
            return bytes.to_type(ScalarType.Float32).div_(255.0f);
        }

        return torch.tensor(ToSingles(), shape, dtype: ScalarType.Float32);
    }

    /// <summary>The values as an int64 tensor (class labels); refuses floating-point files.</summary>
    public Tensor ToLabelTensor()
    {
        if (DataType is IdxDataType.Float32 or IdxDataType.Float64)
        {
            throw new DataFormatException(Path, DataFormatException.AtOffset(2), $"expected integer labels, found element type {DataType}.");
        }

        long[] values = new long[Payload.Length / ElementSize(DataType)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = DataType switch
            {
                IdxDataType.UInt8 => Payload[i],
                IdxDataType.Int8 => (sbyte)Payload[i],
                IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(Payload.AsSpan(i * 2)),
                _ => BinaryPrimitives.ReadInt32BigEndian(Payload.AsSpan(i * 4)),
            };
        }

        return torch.tensor(values, Shape.Select(d => (long)d).ToArray(), dtype: ScalarType.Int64);
    }

    /// <summary>How many times each value occurs (class labels), in ascending order of value, without libtorch.</summary>
    /// <exception cref="DataFormatException">The elements are floating-point, so they are not labels.</exception>
    public IReadOnlyDictionary<long, long> LabelCounts()
    {
        if (DataType is IdxDataType.Float32 or IdxDataType.Float64)
        {
            throw new DataFormatException(Path, DataFormatException.AtOffset(2), $"expected integer labels, found element type {DataType}.");
        }

        var counts = new SortedDictionary<long, long>();
        int size = ElementSize(DataType);
        for (int i = 0; i < Payload.Length; i += size)
        {
            long value = DataType switch
            {
                IdxDataType.UInt8 => Payload[i],
                IdxDataType.Int8 => (sbyte)Payload[i],
                IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(Payload.AsSpan(i)),
                _ => BinaryPrimitives.ReadInt32BigEndian(Payload.AsSpan(i)),
            };
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        return counts;
    }

    /// <summary>Minimum and maximum element, as doubles.</summary>
    public (double Min, double Max) Range()
    {
        if (DataType == IdxDataType.UInt8)
        {
            byte min = byte.MaxValue, max = byte.MinValue;
            foreach (byte b in Payload)
            {
                min = Math.Min(min, b);
                max = Math.Max(max, b);
            }

            return Payload.Length == 0 ? (0, 0) : (min, max);
        }

        float[] values = ToSingles();
        return values.Length == 0 ? (0, 0) : (values.Min(), values.Max());
    }

    private float[] ToSingles()
    {
        int size = ElementSize(DataType);
        float[] values = new float[Payload.Length / size];
        ReadOnlySpan<byte> p = Payload;
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> e = p.Slice(i * size, size);
            values[i] = DataType switch
            {
                IdxDataType.UInt8 => e[0],
                IdxDataType.Int8 => (sbyte)e[0],
                IdxDataType.Int16 => BinaryPrimitives.ReadInt16BigEndian(e),
                IdxDataType.Int32 => BinaryPrimitives.ReadInt32BigEndian(e),
                IdxDataType.Float32 => BinaryPrimitives.ReadSingleBigEndian(e),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(e),
            };
        }

        return values;
    }
}
