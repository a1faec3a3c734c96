using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>NumPy's .npy format (version 1.0): float32, float64 and int64 arrays in C order, little-endian.</summary>
public static partial class NpyFile
{
    /// <summary>The six bytes every .npy file starts with: 0x93 then "NUMPY".</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="tensor"/> (float32, float64 or int64) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Tensor tensor)
    {
        byte[] bytes = ToBytes(tensor);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The .npy file's bytes for <paramref name="tensor"/> (float32, float64 or int64), e.g. for an HTTP body.</summary>
    public static byte[] ToBytes(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        Tensor t = tensor.cpu().contiguous();
        (string descr, byte[] data) = t.dtype switch
        {
            ScalarType.Float32 => ("<f4", MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray()),
            ScalarType.Float64 => ("<f8", MemoryMarshal.AsBytes(t.data<double>().ToArray().AsSpan()).ToArray()),
            ScalarType.Int64 => ("<i8", MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray()),
            _ => throw new ArgumentException($"NpyFile writes float32, float64 and int64 tensors; found {t.dtype}.", nameof(tensor)),
        };
        string shape = t.shape.Length == 1 ? $"({t.shape[0]},)" : $"({string.Join(", ", t.shape)})";
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = Magic.Length + 2 + 2 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = new MemoryStream(Magic.Length + 4 + header.Length + data.Length);
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }

    /// <summary>Reads a .npy file of float32, float64 or int64 values into a tensor of the same type and shape.</summary>
    /// <exception cref="DataFormatException">
    /// The file is not .npy, its header is not the dictionary NumPy writes (exactly the keys 'descr', 'fortran_order'
    /// and 'shape', nothing after it but padding), the shape holds no element or does not match the data, or the
    /// element type is not one of the three.
    /// </exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads the bytes of a .npy file (e.g. an HTTP body); <paramref name="path"/> names the source in errors.</summary>
    /// <exception cref="DataFormatException">As <see cref="Read"/>.</exception>
    public static Tensor Parse(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (ScalarType type, long[] shape, long dataStart) = ParseHeader(bytes, bytes.Length, path);
        ReadOnlySpan<byte> data = bytes.AsSpan((int)dataStart);
        return type switch
        {
            ScalarType.Float32 => torch.tensor(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            ScalarType.Float64 => torch.tensor(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            _ => torch.tensor(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
        };
    }

    /// <summary>
    /// The values of a .npy file's bytes as float32 (float64 and int64 values converted), flat in C order, with its
    /// shape: <see cref="Parse"/> without a tensor, for a server reading small bodies.
    /// </summary>
    /// <exception cref="DataFormatException">As <see cref="Read"/>.</exception>
    public static float[] ParseFloat32(byte[] bytes, string path, out long[] shape)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        (ScalarType type, shape, long dataStart) = ParseHeader(bytes, bytes.Length, path);
        ReadOnlySpan<byte> data = bytes.AsSpan((int)dataStart);
        return type switch
        {
            ScalarType.Float32 => MemoryMarshal.Cast<byte, float>(data).ToArray(),
            ScalarType.Float64 => [.. MemoryMarshal.Cast<byte, double>(data).ToArray().Select(v => (float)v)],
            _ => [.. MemoryMarshal.Cast<byte, long>(data).ToArray().Select(v => (float)v)],
        };
    }

    /// <summary>
    /// Checks the header at the start of a .npy file of <paramref name="fileLength"/> bytes (<paramref name="bytes"/>
    /// holds at least the header; a streaming reader passes only that) and returns the element type, the shape and
    /// where the data starts; the data must fill the rest of the file exactly.
    /// </summary>
    /// <exception cref="DataFormatException">As <see cref="Read"/>.</exception>
    internal static (ScalarType Type, long[] Shape, long DataStart) ParseHeader(ReadOnlySpan<byte> bytes, long fileLength, string path)
    {
        if (bytes.Length < 10 || !bytes.StartsWith(Magic))
        {
            throw new DataFormatException(path, "offset 0", "expected the .npy magic \\x93NUMPY; this is not a NumPy array file.");
        }

        int major = bytes[6];
        if (major is not (1 or 2 or 3))
        {
            throw new DataFormatException(path, "offset 6", $"expected .npy format version 1, 2 or 3, found {major}.{bytes[7]}.");
        }

        int headerStart = major == 1 ? 10 : 12;
        long headerLength = major == 1 || bytes.Length < 12 ? BitConverter.ToUInt16(bytes[8..]) : BitConverter.ToUInt32(bytes[8..]);
        if (headerStart + headerLength > bytes.Length)
        {
            throw new DataFormatException(path, "offset 8", $"expected a header length that fits the {fileLength}-byte file; found {headerLength}, which runs past its end.");
        }

        string header = Encoding.ASCII.GetString(bytes.Slice(headerStart, (int)headerLength));
        Match match = Header().Match(header);
        if (!match.Success)
        {
            throw new DataFormatException(path, $"offset {headerStart}",
                $"expected the header NumPy writes, {{'descr': ..., 'fortran_order': ..., 'shape': (...), }} followed only by spaces and a newline; found {Shorten(header)}.");
        }

        if (match.Groups["fortran"].Value == "True")
        {
            throw new DataFormatException(path, $"offset {headerStart}", "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray.");
        }

        (ScalarType type, int size) = match.Groups["descr"].Value switch
        {
            "<f4" => (ScalarType.Float32, 4),
            "<f8" => (ScalarType.Float64, 8),
            "<i8" => (ScalarType.Int64, 8),
            string other => throw new DataFormatException(path, $"offset {headerStart}", $"expected element type <f4, <f8 or <i8 (little-endian float32, float64 or int64); found {other}."),
        };
        long dataStart = headerStart + headerLength;
        long[] shape = ParseShape(match.Groups["shape"].Value, path, headerStart);
        long available = (fileLength - dataStart) / size;
        long count = 1;
        foreach (long dimension in shape)
        {
            // Stop multiplying once past what the file holds, so that an absurd shape cannot overflow.
            count = dimension == 0 ? 0 : count > available ? count : count * dimension;
        }

        if (count == 0)
        {
            throw new DataFormatException(path, $"offset {headerStart}", $"expected an array with at least one element; the shape ({string.Join(", ", shape)}) holds none.");
        }

        if (count > available || fileLength - dataStart != count * size)
        {
            throw new DataFormatException(path, $"offset {dataStart}",
                $"the shape ({string.Join(", ", shape)}) needs {(count > available ? "more than " + (fileLength - dataStart) : (count * size).ToString(CultureInfo.InvariantCulture))} bytes of data; the file has {fileLength - dataStart}.");
        }

        return (type, shape, dataStart);
    }

    // "12, 8" or "12," or "": non-negative integers separated by commas, as Python prints a tuple.
    private static long[] ParseShape(string text, string path, int headerStart)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 1 && parts[^1].Length == 0)
        {
            parts = parts[..^1];
        }

        if (parts.Length == 0 || parts is [""])
        {
            throw new DataFormatException(path, $"offset {headerStart}", "expected a shape with at least one dimension; found () (a scalar).");
        }

        long[] shape = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new DataFormatException(path, $"offset {headerStart}", $"expected the shape's dimensions as non-negative integers; found '{Shorten(parts[i])}' in ({Shorten(text)}).");
            }
        }

        return shape;
    }

    private static string Shorten(string text)
    {
        string flat = text.Trim().ReplaceLineEndings(" ");
        flat = new string([.. flat.Select(c => char.IsControl(c) ? '?' : c)]);
        return flat.Length <= 120 ? flat : flat[..120] + "...";
    }

    // NumPy's header is a Python dictionary literal with exactly these three keys, in any order, padded with spaces
    // to a multiple of 64 bytes and ended by a newline; anything else after it means the header was damaged.
    [GeneratedRegex(@"^\{\s*(?:(?:'descr'\s*:\s*'(?<descr>[^']*)'|'fortran_order'\s*:\s*(?<fortran>True|False)|'shape'\s*:\s*\((?<shape>[^)]*)\))\s*(?:,\s*|(?=\})))+\}\s*\n?$")]
    private static partial Regex Header();
}
