using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace AutoEncoders.Data;

/// <summary>
/// Reads IDX files (LeCun et al.'s MNIST format: a big-endian magic 00 00 TYPE RANK, RANK big-endian int32
/// sizes, then the elements), raw or gzip-compressed, validating every field against the file's real length.
/// </summary>
/// <remarks>
/// Offsets in error messages count bytes of the IDX data: in the file itself for a raw file, in the decompressed
/// stream ("decompressed offset") for a gzip file, except for the gzip trailer, which is located in the file.
/// </remarks>
public static class IdxReader
{
    /// <summary>The largest rank accepted; MNIST-family files use 1 (labels) and 3 (images).</summary>
    public const int MaxRank = 8;

    // Deflate (RFC 1951) cannot expand data by more than about 1032:1 (a 258-byte match costs at least two bits),
    // so a header that promises more than that is corrupt; checking it first avoids allocating its promise.
    private const long MaxDeflateRatio = 1032;

    /// <summary>Reads and validates a whole IDX file.</summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt or not IDX; the message says where.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path)
    {
        using FileStream file = Open(path);
        bool gzip = IsGzip(file);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        IdxHeader header;
        byte[] payload;
        using (Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : new BufferedStream(file, 1 << 16))
        {
            header = ReadHeader(stream, file.Length, path, gzip, hash);
            payload = ReadExactly(stream, (int)header.PayloadLength, path, gzip, file.Length, header.Length,
                $"{header.ShapeText} {header.DataType} elements ({header.PayloadLength} bytes) as the header promises", gzip ? file : null);
            hash.AppendData(payload);
            if (gzip && HasMoreData(stream, path, header))
            {
                throw new DataFormatException(path, $"decompressed offset {header.Length + header.PayloadLength}",
                    $"expected the end of the data after {header.ShapeText} {header.DataType} elements, found more bytes; the header does not describe this file.");
            }
        }

        if (gzip)
        {
            CheckGzipTrailer(file, path, header.Length + header.PayloadLength);
        }

        return new IdxArray(path, header.DataType, [.. header.Shape], payload, gzip, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>
    /// Reads and validates only the header (for a gzip file, the first bytes of the decompressed stream). A raw
    /// file's length is checked against the header; a gzip file's payload is not read.
    /// </summary>
    /// <exception cref="DataFormatException">The header is truncated, corrupt or not IDX.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxHeader ReadHeader(string path)
    {
        using FileStream file = Open(path);
        bool gzip = IsGzip(file);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : new BufferedStream(file, 4096);
        return ReadHeader(stream, file.Length, path, gzip, hash: null);
    }

    private static FileStream Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    private static bool IsGzip(FileStream file)
    {
        bool gzip = file.Length >= 2 && file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        return gzip;
    }

    private static IdxHeader ReadHeader(Stream stream, long fileLength, string path, bool gzip, IncrementalHash? hash)
    {
        string where = gzip ? "decompressed offset" : "offset";
        byte[] magic = ReadExactly(stream, 4, path, gzip, fileLength, 0, "the 4-byte IDX magic number (00 00 TYPE RANK)");
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataFormatException(path, $"{where} 0",
                $"expected the IDX magic number 00 00 TYPE RANK, found {Convert.ToHexString(magic)}; this is not an IDX file{(gzip ? " inside the gzip stream" : string.Empty)}.");
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

        byte[] sizes = ReadExactly(stream, 4 * rank, path, gzip, fileLength, 4, $"{rank} big-endian 32-bit dimension sizes");
        int[] shape = new int[rank];
        long elements = 1;
        bool tooLarge = false;
        for (int i = 0; i < rank; i++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i));
            if (size <= 0)
            {
                throw new DataFormatException(path, $"{where} {4 + (4 * i)}", $"expected a positive size for dimension {i}, found {size}.");
            }

            shape[i] = size;

            // Both factors are below 2^31, so the product fits a long; stop growing once past any array's reach.
            elements = Math.Min(elements * size, (long)Array.MaxLength + 1);
            tooLarge |= elements > Array.MaxLength;
        }

        var header = new IdxHeader(path, type, shape, gzip);
        long payloadLength = elements * IdxArray.ElementSize(type);
        if (tooLarge || payloadLength > Array.MaxLength)
        {
            throw new DataFormatException(path, $"{where} 4",
                $"the sizes {header.ShapeText} promise more than {Array.MaxLength} bytes, more than one array can hold; the header is corrupt or the file is too large to load at once.");
        }

        long total = header.Length + payloadLength;
        if (!gzip && fileLength != total)
        {
            string problem = fileLength < total
                ? $"the header promises {header.ShapeText} {type} elements ({total} bytes in all) but the file has only {fileLength} bytes; it is truncated."
                : $"the header promises {header.ShapeText} {type} elements ({total} bytes in all) but the file has {fileLength} bytes; there are {fileLength - total} unexpected bytes after the data.";
            throw new DataFormatException(path, $"offset {Math.Min(fileLength, total)}", problem);
        }

        if (gzip && total > (MaxDeflateRatio * fileLength) + 1024)
        {
            throw new DataFormatException(path, $"decompressed offset 4",
                $"the header promises {header.ShapeText} {type} elements ({total} bytes in all), more than a {fileLength}-byte gzip file can hold (deflate expands at most {MaxDeflateRatio}:1); the file is truncated or the header is corrupt.");
        }

        hash?.AppendData(magic);
        hash?.AppendData(sizes);
        return header;
    }

    private static byte[] ReadExactly(Stream stream, int count, string path, bool gzip, long fileLength, long offset, string expected, FileStream? gzipFile = null)
    {
        string where = gzip ? "decompressed offset" : "offset";
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
            throw new DataFormatException(path, $"{where} {offset + read}",
                $"the gzip stream is corrupt (its deflate data is invalid or its CRC-32 check failed) while reading {expected}.", e);
        }

        if (read < count && gzipFile is not null && RecordedSize(gzipFile) == (uint)(offset + count))
        {
            // The trailer records the full length, so the file was not cut: its compressed data ended a block early.
            throw new DataFormatException(path, $"{where} {offset + read}",
                $"expected {expected}, but the compressed stream decodes to only {offset + read} bytes while its gzip trailer records {offset + count}; the compressed data is corrupt.");
        }

        if (read < count)
        {
            string problem = gzip
                ? $"expected {expected}, but the decompressed data ends after {read} of {count} bytes; the {fileLength}-byte gzip file is truncated."
                : $"expected {expected}, but the file ends after {read} of {count} bytes; it is truncated.";
            throw new DataFormatException(path, $"{where} {offset + read}", problem);
        }

        return buffer;
    }

    // More decompressed bytes after the data either belong to a valid stream that holds more than the header says,
    // or come from corrupt compressed data; decoding to the end (zlib checks the deflate blocks and the CRC-32 of
    // the trailer) tells the two apart. Deflate's 1032:1 bound keeps this finite.
    private static bool HasMoreData(Stream stream, string path, IdxHeader header)
    {
        try
        {
            byte[] rest = new byte[1 << 16];
            if (stream.Read(rest, 0, 1) == 0)
            {
                return false;
            }

            while (stream.Read(rest) > 0)
            {
            }

            return true;
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"decompressed offset {header.Length + header.PayloadLength}",
                "expected the end of the data, but the compressed stream goes on and is corrupt (its deflate data is invalid or its CRC-32 check failed).", e);
        }
    }

    private static uint? RecordedSize(FileStream file)
    {
        if (file.Length < 18)
        {
            return null;
        }

        Span<byte> isize = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(isize);
        return BinaryPrimitives.ReadUInt32LittleEndian(isize);
    }

    // .NET's GZipStream stops quietly when the input ends before the gzip trailer, and ignores bytes after the
    // stream that do not start another member. The trailer's last field, ISIZE (RFC 1952), is the uncompressed
    // length modulo 2^32: comparing it catches a file cut inside the trailer and bytes appended after it.
    private static void CheckGzipTrailer(FileStream file, string path, long decompressedLength)
    {
        Span<byte> isize = stackalloc byte[4];
        if (file.Length < 18)
        {
            throw new DataFormatException(path, $"offset {file.Length}",
                $"expected a gzip header, data and 8-byte trailer, but the file has only {file.Length} bytes; it is truncated.");
        }

        file.Position = file.Length - 4;
        file.ReadExactly(isize);
        uint recorded = BinaryPrimitives.ReadUInt32LittleEndian(isize);
        if (recorded != (uint)decompressedLength)
        {
            throw new DataFormatException(path, $"offset {file.Length - 4}",
                $"expected the gzip trailer to record the {decompressedLength} bytes that were decompressed, found {recorded}; the file is truncated or has bytes appended after the gzip stream (concatenated gzip members are not supported).");
        }
    }
}
