using System.IO.Compression;
using System.Security.Cryptography;

namespace AutoEncoders.Data;

/// <summary>
/// Reads IDX files (LeCun et al.'s MNIST format: a big-endian magic 00 00 TYPE RANK, RANK big-endian int32
/// sizes, then the elements), raw or gzip-compressed, validating every field against the file's real length.
/// </summary>
public static class IdxReader
{
    /// <summary>The largest rank accepted; MNIST-family files use 1 (labels) and 3 (images).</summary>
    public const int MaxRank = 8;

    /// <summary>Reads and validates a whole IDX file.</summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt or not IDX; the message says where.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        using FileStream file = File.OpenRead(path);
        bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string where = gzip ? "decompressed offset" : "offset";

        byte[] magic = ReadExactly(stream, 4, path, where, 0, "the 4-byte IDX magic number (00 00 TYPE RANK)");
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataFormatException(path, $"{where} 0",
                $"expected the IDX magic number 00 00 TYPE RANK, found {Convert.ToHexString(magic, 0, 2)}; this is not an IDX file{(gzip ? " inside the gzip stream" : string.Empty)}.");
        }

        if (!Enum.IsDefined((IdxDataType)magic[2]))
        {
            throw new DataFormatException(path, $"{where} 2",
                $"expected an element type code (08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double), found {magic[2]:X2}.");
        }

        var type = (IdxDataType)magic[2];
        int rank = magic[3];
        if (rank is < 1 or > MaxRank)
        {
            throw new DataFormatException(path, $"{where} 3", $"expected a rank between 1 and {MaxRank}, found {rank}.");
        }

        byte[] sizes = ReadExactly(stream, 4 * rank, path, where, 4, $"{rank} big-endian 32-bit dimension sizes");
        int[] shape = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            int size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i));
            if (size <= 0)
            {
                throw new DataFormatException(path, $"{where} {4 + (4 * i)}", $"expected a positive size for dimension {i}, found {size}.");
            }

            shape[i] = size;
            elements *= size;
        }

        long headerLength = 4 + (4L * rank);
        long payloadLength = elements * IdxArray.ElementSize(type);
        if (payloadLength > Array.MaxLength)
        {
            throw new DataFormatException(path, $"{where} 4",
                $"the sizes {string.Join(" x ", shape)} promise {payloadLength} bytes, more than one array can hold; the header is corrupt or the file is too large to load at once.");
        }

        if (!gzip && file.Length != headerLength + payloadLength)
        {
            string problem = file.Length < headerLength + payloadLength
                ? $"the header promises {string.Join(" x ", shape)} {type} elements ({headerLength + payloadLength} bytes in all) but the file has only {file.Length} bytes; it is truncated."
                : $"the header promises {string.Join(" x ", shape)} {type} elements ({headerLength + payloadLength} bytes in all) but the file has {file.Length} bytes; there are {file.Length - headerLength - payloadLength} unexpected bytes after the data.";
            throw new DataFormatException(path, $"offset {Math.Min(file.Length, headerLength + payloadLength)}", problem);
        }

        byte[] payload = ReadExactly(stream, (int)payloadLength, path, where, headerLength,
            $"{string.Join(" x ", shape)} {type} elements ({payloadLength} bytes) as the header promises");
        if (gzip && ReadTrailing(stream, path))
        {
            throw new DataFormatException(path, $"{where} {headerLength + payloadLength}",
                $"expected the end of the data after {string.Join(" x ", shape)} {type} elements, found more bytes.");
        }

        hash.AppendData(magic);
        hash.AppendData(sizes);
        hash.AppendData(payload);
        return new IdxArray(path, type, shape, payload, gzip, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static byte[] ReadExactly(Stream stream, int count, string path, string where, long offset, string expected)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        try
        {
            while (read < count)
            {
                int n = stream.Read(buffer, read, count - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"{where} {offset + read}", $"the gzip stream is corrupt ({e.Message}) while reading {expected}.", e);
        }

        if (read < count)
        {
            throw new DataFormatException(path, $"{where} {offset + read}",
                $"expected {expected}, but the file ends after {read} of {count} bytes; it is truncated.");
        }

        return buffer;
    }

    private static bool ReadTrailing(Stream stream, string path)
    {
        try
        {
            Span<byte> one = stackalloc byte[1];
            return stream.Read(one) > 0;
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "end of data", $"the gzip stream is corrupt after the data ({e.Message}).", e);
        }
    }
}
