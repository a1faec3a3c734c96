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
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="tensor"/> (float32, float64 or int64) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Tensor tensor)
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
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            stream.WriteByte(1);
            stream.WriteByte(0);
            stream.Write(BitConverter.GetBytes((ushort)header.Length));
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(data);
        });
    }

    /// <summary>Reads a .npy file of float32, float64 or int64 values into a tensor of the same type and shape.</summary>
    public static Tensor Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new DataFormatException(path, "offset 0", "expected the .npy magic \\x93NUMPY; this is not a NumPy array file.");
        }

        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : (int)BitConverter.ToUInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        if (headerStart + headerLength > bytes.Length)
        {
            throw new DataFormatException(path, "offset 8", $"the header length {headerLength} runs past the end of the file.");
        }

        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        Match descr = Descr().Match(header);
        Match shapeMatch = Shape().Match(header);
        if (!descr.Success || !shapeMatch.Success)
        {
            throw new DataFormatException(path, $"offset {headerStart}", $"expected a header with 'descr' and 'shape'; found {header.Trim()}.");
        }

        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new DataFormatException(path, $"offset {headerStart}", "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray.");
        }

        long[] shape = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        int dataStart = headerStart + headerLength;
        (ScalarType type, int size) = descr.Groups[1].Value switch
        {
            "<f4" => (ScalarType.Float32, 4),
            "<f8" => (ScalarType.Float64, 8),
            "<i8" => (ScalarType.Int64, 8),
            string other => throw new DataFormatException(path, $"offset {headerStart}", $"expected element type <f4, <f8 or <i8; found {other}."),
        };
        if (bytes.Length - dataStart != count * size)
        {
            throw new DataFormatException(path, $"offset {dataStart}", $"the shape ({string.Join(", ", shape)}) needs {count * size} bytes of data; the file has {bytes.Length - dataStart}.");
        }

        ReadOnlySpan<byte> data = bytes.AsSpan(dataStart);
        return type switch
        {
            ScalarType.Float32 => torch.tensor(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            ScalarType.Float64 => torch.tensor(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            _ => torch.tensor(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
        };
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
