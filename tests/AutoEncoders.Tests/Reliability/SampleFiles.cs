using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using SkiaSharp;

namespace AutoEncoders.Tests.Reliability;

/// <summary>Small valid files of each input kind, written from scratch, for the fuzz suite to corrupt.</summary>
internal static class SampleFiles
{
    /// <summary>An IDX file of <paramref name="shape"/> with one-byte elements of the given type code.</summary>
    public static byte[] Idx(byte type, int[] shape, Func<int, byte> value)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var bytes = new List<byte> { 0, 0, type, (byte)shape.Length };
        foreach (int size in shape)
        {
            bytes.AddRange(BigEndian(size));
        }

        bytes.AddRange(Enumerable.Range(0, count).Select(value));
        return [.. bytes];
    }

    /// <summary>A big-endian int32.</summary>
    public static byte[] BigEndian(int value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>The bytes gzip-compressed.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return memory.ToArray();
    }

    /// <summary>A .npy version 1.0 file with <paramref name="header"/> as its header text.</summary>
    public static byte[] Npy(string header, byte[] data)
    {
        byte[] text = Encoding.ASCII.GetBytes(header);
        return [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)text.Length, (byte)(text.Length >> 8), .. text, .. data];
    }

    /// <summary>A 12x10 colour picture encoded as PNG or JPEG.</summary>
    public static byte[] Picture(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(12, 10, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 20), (byte)(y * 25), (byte)((x + y) * 10)));
            }
        }

        using SKData encoded = bitmap.Encode(format, 90);
        return encoded.ToArray();
    }

    /// <summary>A YAML document of nine levels of nested aliases, each nine wide: 9^10 scalars once expanded.</summary>
    public static string BillionLaughs()
    {
        var laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level <= 9; level++)
        {
            laughs.Append(FormattableString.Invariant($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat(level == 1 ? "*a" : $"*l{level - 1}", 9))}]\n"));
        }

        return laughs.ToString();
    }

    /// <summary>Saves a dense 16-8-4 model directory (model.json, weights.bin) to <paramref name="directory"/>.</summary>
    public static void SaveModel(string directory)
    {
        var config = new DenseAutoencoderConfig { Layers = [16, 8, 4] };
        TorchRuntime.SetSeed(1);
        using Autoencoder built = config.Build();
        new TrainedAutoencoder(built, new ModelManifest { Model = config }).Save(directory);
    }
}
