using System.Buffers.Binary;
using System.Text;

namespace AutoEncoders.Data;

/// <summary>
/// Walks the chunks of a PNG file (PNG specification, section 5: signature, then length, type, data and CRC-32 per
/// chunk, ending with IEND) to say what is wrong with one that does not decode: a chunk cut short, a bad checksum or
/// a missing end. The decoder alone reports most of these as "incomplete input".
/// </summary>
internal static class PngStructure
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Whether <paramref name="bytes"/> start with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Signature);

    /// <summary>The first structural problem as (location, problem), or null when every chunk is whole and checks.</summary>
    public static (string Location, string Problem)? FindProblem(ReadOnlySpan<byte> bytes)
    {
        if (!HasSignature(bytes))
        {
            return ("offset 0", "expected the 8-byte PNG signature 89 50 4E 47 0D 0A 1A 0A; found other bytes.");
        }

        int at = Signature.Length;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12)
            {
                return ($"offset {at}", $"expected a chunk of at least 12 bytes, found {bytes.Length - at} before the end of the file; it is truncated.");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]);
            string type = Encoding.ASCII.GetString(bytes.Slice(at + 4, 4));
            if (length > int.MaxValue || length > bytes.Length - at - 12)
            {
                return ($"offset {at}", $"expected the {Printable(type)} chunk's {length} bytes of data, but the file ends first; it is truncated or the chunk length is corrupt.");
            }

            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(at + 8 + (int)length)..]);
            uint computed = Crc32(bytes.Slice(at + 4, 4 + (int)length));
            if (stored != computed)
            {
                return ($"offset {at + 8 + (int)length}", $"expected the CRC-32 checksum of the {Printable(type)} chunk to be {computed:X8}, found {stored:X8}; the file is corrupt.");
            }

            if (type == "IEND")
            {
                return null;
            }

            at += 12 + (int)length;
        }

        return ($"offset {bytes.Length}", "expected an IEND chunk, but the file ends first; it is truncated.");
    }

    // CRC-32 as in PNG (ISO 3309, polynomial 0xEDB88320, reflected), over a chunk's type and data.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFF;
    }

    private static uint[] MakeCrcTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static string Printable(string type) => type.All(char.IsAsciiLetter) ? type : Convert.ToHexString(Encoding.Latin1.GetBytes(type));
}
