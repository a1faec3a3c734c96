using SkiaSharp;

namespace AutoEncoders.Data;

/// <summary>Reads one PNG or JPEG image (SkiaSharp) as float32 values in [0, 1], grey or RGB, resized.</summary>
public static class ImageFile
{
    /// <summary>The most pixels an image may have (2^28, a 1 GiB RGBA buffer); larger headers are refused before decoding.</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>The file extensions read as images (compared case-insensitively).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg"];

    /// <summary>Whether <paramref name="path"/> has an image extension.</summary>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the header: format, size and colour type.</summary>
    /// <exception cref="DataFormatException">The file is not an image the decoder recognises.</exception>
    public static ImageFileInfo ReadInfo(string path)
    {
        using SKCodec codec = OpenCodec(path, out _);
        SKImageInfo info = codec.Info;
        return new ImageFileInfo(path, codec.EncodedFormat.ToString(), info.Width, info.Height,
            info.ColorType == SKColorType.Gray8, info.AlphaType != SKAlphaType.Opaque);
    }

    /// <summary>
    /// Decodes the image, resizes it to <paramref name="width"/> x <paramref name="height"/> (bilinear with
    /// mipmaps, so shrinking averages rather than skips pixels) and returns [channels, height, width] values in
    /// [0, 1]: one grey channel (ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B, as PIL's "L") or R, G, B.
    /// Transparency is ignored.
    /// </summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt or not an image.</exception>
    public static float[] ReadPixels(string path, int width, int height, int channels)
    {
        float[] pixels = new float[channels * height * width];
        ReadPixels(path, width, height, channels, pixels);
        return pixels;
    }

    /// <summary>As <see cref="ReadPixels(string, int, int, int)"/>, into <paramref name="destination"/> (length channels x height x width).</summary>
    /// <exception cref="DataFormatException">The file is truncated, corrupt or not an image.</exception>
    public static void ReadPixels(string path, int width, int height, int channels, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images are read with 1 (grey) or 3 (RGB) channels.");
        }

        if (destination.Length != channels * height * width)
        {
            throw new ArgumentException($"Expected room for {channels * height * width} values, found {destination.Length}.", nameof(destination));
        }

        using SKCodec codec = OpenCodec(path, out byte[] bytes);
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels)
        {
            throw new DataFormatException(path, $"{codec.EncodedFormat} header",
                $"expected an image of at most {MaxPixels} pixels, found {codec.Info.Width}x{codec.Info.Height}; the header is corrupt or the image too large to decode.");
        }

        var decoded = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(decoded);
        SKCodecResult result = codec.GetPixels(decoded, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            if (PngStructure.HasSignature(bytes) && PngStructure.FindProblem(bytes) is (string location, string structural))
            {
                throw new DataFormatException(path, location, structural);
            }

            string problem = result switch
            {
                SKCodecResult.IncompleteInput => "the image data ends early; the file is truncated.",
                SKCodecResult.ErrorInInput => "the image data is corrupt.",
                _ => $"the image could not be decoded ({result}).",
            };
            throw new DataFormatException(path, $"{codec.EncodedFormat} image data", problem);
        }

        using SKBitmap sized = decoded.Width == width && decoded.Height == height
            ? bitmap.Copy()
            : bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
              ?? throw new InvalidOperationException($"{path}: SkiaSharp could not resize the {decoded.Width}x{decoded.Height} image to {width}x{height}.");
        ReadOnlySpan<byte> rgba = sized.GetPixelSpan();
        int rowBytes = sized.RowBytes;
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = rgba.Slice(y * rowBytes, width * 4);
            for (int x = 0; x < width; x++)
            {
                byte r = row[4 * x], g = row[(4 * x) + 1], b = row[(4 * x) + 2];
                int at = (y * width) + x;
                if (channels == 1)
                {
                    destination[at] = ((0.299f * r) + (0.587f * g) + (0.114f * b)) / 255f;
                }
                else
                {
                    destination[at] = r / 255f;
                    destination[plane + at] = g / 255f;
                    destination[(2 * plane) + at] = b / 255f;
                }
            }
        }
    }

    private static SKCodec OpenCodec(string path, out byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
        {
            throw new DataFormatException(path, "offset 0", "expected a PNG or JPEG image, found an empty file.");
        }

        using SKData data = SKData.CreateCopy(bytes);
        SKCodec? codec = SKCodec.Create(new SKMemoryStream(data), out SKCodecResult result);
        if (codec is null && PngStructure.HasSignature(bytes) && PngStructure.FindProblem(bytes) is (string location, string problem))
        {
            throw new DataFormatException(path, location, problem);
        }

        return codec ?? throw new DataFormatException(path, "offset 0",
            $"expected a PNG or JPEG image, found {(result == SKCodecResult.IncompleteInput ? "a header that ends early (the file is truncated)" : $"bytes no image decoder recognises (they start {Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length))})")}.");
    }
}
