using System.Globalization;

namespace AutoEncoders.Visualization;

/// <summary>
/// How a sample's values form an image: channels (1 grey, 3 RGB), height and width, stored channel-major
/// ([C, H, W], PyTorch's layout), so flattened samples of C*H*W values can be shown too.
/// </summary>
/// <param name="Channels">1 for grey, 3 for RGB.</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Columns of pixels.</param>
public readonly record struct ImageLayout(int Channels, int Height, int Width)
{
    /// <summary>Values per image, C*H*W.</summary>
    public long SampleSize => (long)Channels * Height * Width;

    /// <summary>
    /// The layout of samples of shape <paramref name="sampleShape"/>: [C, H, W] with C = 1 or 3, [H, W],
    /// or a flat [D] that is a square grey image (784 = 28 x 28) or three square channels (3072 = 3 x 32 x 32).
    /// Throws <see cref="ArgumentException"/> when the shape is none of these; pass the shape explicitly then.
    /// </summary>
    public static ImageLayout Infer(IReadOnlyList<long> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        string shown = $"[{string.Join(", ", sampleShape)}]";
        switch (sampleShape.Count)
        {
            case 3 when sampleShape[0] is 1 or 3:
                return Checked(sampleShape[0], sampleShape[1], sampleShape[2], shown);
            case 2:
                return Checked(1, sampleShape[0], sampleShape[1], shown);
            case 1:
                long d = sampleShape[0];
                long side = (long)Math.Round(Math.Sqrt(d));
                if (side * side == d)
                {
                    return Checked(1, side, side, shown);
                }

                long rgbSide = (long)Math.Round(Math.Sqrt(d / 3.0));
                if (d % 3 == 0 && rgbSide * rgbSide * 3 == d)
                {
                    return Checked(3, rgbSide, rgbSide, shown);
                }

                break;
        }

        throw new ArgumentException(
            $"Samples of shape {shown} are not images this can show: expected [C, H, W] with C = 1 or 3, [H, W], or a flat square size such as 784; give the image shape explicitly (e.g. --image-shape 1,28,28).",
            nameof(sampleShape));
    }

    /// <summary>Parses "C,H,W" or "H,W" (e.g. "1,28,28"), as given on the command line.</summary>
    public static ImageLayout Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        string[] parts = text.Split([',', 'x', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new List<long>();
        foreach (string part in parts)
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v < 1)
            {
                throw new ArgumentException($"Image shape '{text}': '{part}' is not a positive whole number; expected C,H,W such as 1,28,28.", nameof(text));
            }

            values.Add(v);
        }

        if (values.Count is not (2 or 3))
        {
            throw new ArgumentException($"Image shape '{text}': expected two or three sizes (H,W or C,H,W such as 1,28,28); found {values.Count}.", nameof(text));
        }

        return Infer(values);
    }

    /// <summary>Throws when <paramref name="sampleSize"/> values cannot be this layout.</summary>
    public void EnsureFits(long sampleSize, string what)
    {
        if (sampleSize != SampleSize)
        {
            throw new ArgumentException($"{what} has {sampleSize} values per sample, but the image shape {this} needs {SampleSize}; give the right image shape.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";

    private static ImageLayout Checked(long channels, long height, long width, string shown)
    {
        if (channels is not (1 or 3) || height < 1 || width < 1 || height > 4096 || width > 4096)
        {
            throw new ArgumentException($"Samples of shape {shown} are not images this can show: needs 1 or 3 channels and sides between 1 and 4096 pixels.");
        }

        return new ImageLayout((int)channels, (int)height, (int)width);
    }
}
