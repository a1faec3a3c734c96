using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// A grid of small images, row by row, with optional row labels and a title, drawn with SkiaSharp and saved as PNG.
/// Images are magnified with nearest-neighbour sampling so single pixels stay visible.
/// </summary>
public sealed class ImageGrid
{
    private readonly List<(float[][] Images, string? Label)> _rows = [];

    /// <summary>A grid of images of <paramref name="layout"/>, <paramref name="columns"/> per row.</summary>
    public ImageGrid(ImageLayout layout, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Layout = layout;
        Columns = columns;
        Scale = Math.Max(1, (int)Math.Ceiling(56.0 / Math.Max(layout.Height, layout.Width)));
    }

    /// <summary>The images' layout.</summary>
    public ImageLayout Layout { get; }

    /// <summary>Images per row.</summary>
    public int Columns { get; }

    /// <summary>Screen pixels per image pixel (by default enough to make each image at least 56 pixels across).</summary>
    public int Scale { get; init; }

    /// <summary>Pixels between images.</summary>
    public int Padding { get; init; } = 2;

    /// <summary>How values become intensities.</summary>
    public PixelScaling Scaling { get; init; } = PixelScaling.Clip;

    /// <summary>Text above the grid, or null.</summary>
    public string? Title { get; init; }

    /// <summary>Number of rows added.</summary>
    public int RowCount => _rows.Count;

    /// <summary>
    /// Adds a row of images from <paramref name="images"/> [k, ...] with k at most <see cref="Columns"/> (each image
    /// C*H*W values, channel-major); the values are copied, so the tensor may be disposed afterwards.
    /// </summary>
    public void AddRow(Tensor images, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = torch.NewDisposeScope();
        long count = images.shape[0];
        if (count > Columns)
        {
            throw new ArgumentException($"A row holds at most {Columns} images; found {count}.", nameof(images));
        }

        Tensor flat = images.detach().reshape(count, -1).to_type(ScalarType.Float32).cpu().contiguous();
        Layout.EnsureFits(flat.shape[1], "The row's images");
        float[] values = flat.data<float>().ToArray();
        int size = (int)Layout.SampleSize;
        var row = new float[count][];
        for (int i = 0; i < count; i++)
        {
            row[i] = values.AsSpan(i * size, size).ToArray();
        }

        _rows.Add((row, label));
    }

    /// <summary>Renders the grid (white background) and writes it to <paramref name="path"/> as PNG.</summary>
    public PictureFile Save(string path, string title, string description)
    {
        using SKImage image = Render();
        return PngOutput.Save(image, path, title, description);
    }

    /// <summary>Renders the grid to an image.</summary>
    public SKImage Render()
    {
        if (_rows.Count == 0)
        {
            throw new InvalidOperationException("The image grid has no rows to draw; add at least one row.");
        }

        const float labelSize = 13f;
        const float titleSize = 15f;
        int tileWidth = Layout.Width * Scale;
        int tileHeight = Layout.Height * Scale;
        float labelWidth = _rows.Any(r => r.Label is not null)
            ? _rows.Where(r => r.Label is not null).Max(r => PngOutput.MeasureText(r.Label!, labelSize)) + 10
            : 0;
        int titleHeight = Title is null ? 0 : (int)(titleSize * 1.8);
        int width = (int)Math.Ceiling(labelWidth) + Padding + (Columns * (tileWidth + Padding));
        if (Title is not null)
        {
            width = Math.Max(width, (int)Math.Ceiling(PngOutput.MeasureText(Title, titleSize, bold: true)) + 12);
        }

        int height = titleHeight + Padding + (_rows.Count * (tileHeight + Padding));
        (float low, float high) global = Scaling == PixelScaling.Global ? GlobalRange() : (0, 1);

        using SKSurface surface = PngOutput.NewSurface(width, height);
        SKCanvas canvas = surface.Canvas;
        if (Title is not null)
        {
            PngOutput.DrawText(canvas, Title, 6, titleSize * 1.3f, titleSize, bold: true);
        }

        using var sampling = new SKPaint();
        for (int r = 0; r < _rows.Count; r++)
        {
            int top = titleHeight + Padding + (r * (tileHeight + Padding));
            if (_rows[r].Label is string label)
            {
                PngOutput.DrawText(canvas, label, labelWidth - 6, top + (tileHeight / 2f) + (labelSize / 3f), labelSize, align: SKTextAlign.Right);
            }

            for (int c = 0; c < _rows[r].Images.Length; c++)
            {
                int left = (int)Math.Ceiling(labelWidth) + Padding + (c * (tileWidth + Padding));
                using SKBitmap tile = ToBitmap(_rows[r].Images[c], global);
                using SKImage tileImage = SKImage.FromBitmap(tile);
                canvas.DrawImage(tileImage, SKRect.Create(left, top, tileWidth, tileHeight), new SKSamplingOptions(SKFilterMode.Nearest), sampling);
            }
        }

        return surface.Snapshot();
    }

    private (float Low, float High) GlobalRange()
    {
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        foreach (float[] image in _rows.SelectMany(r => r.Images))
        {
            foreach (float v in image)
            {
                if (float.IsFinite(v))
                {
                    low = Math.Min(low, v);
                    high = Math.Max(high, v);
                }
            }
        }

        return float.IsFinite(low) ? (low, high) : (0, 1);
    }

    private SKBitmap ToBitmap(float[] values, (float Low, float High) global)
    {
        (float low, float high) = Scaling switch
        {
            PixelScaling.Clip => (0f, 1f),
            PixelScaling.Global => global,
            _ => (values.Where(float.IsFinite).DefaultIfEmpty(0).Min(), values.Where(float.IsFinite).DefaultIfEmpty(1).Max()),
        };
        float span = high - low;
        int h = Layout.Height, w = Layout.Width, plane = h * w;
        var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new SKColor[plane];
        for (int i = 0; i < plane; i++)
        {
            byte red = Intensity(values[i], low, span);
            pixels[i] = Layout.Channels == 1
                ? new SKColor(red, red, red)
                : new SKColor(red, Intensity(values[plane + i], low, span), Intensity(values[(2 * plane) + i], low, span));
        }

        bitmap.Pixels = pixels;
        return bitmap;
    }

    private static byte Intensity(float value, float low, float span)
    {
        if (!float.IsFinite(value))
        {
            return 0;
        }

        // A constant image (span 0) shows as mid-grey rather than black, so "all equal" is not mistaken for "all low".
        float t = span > 0 ? (value - low) / span : 0.5f;
        return (byte)Math.Round(Math.Clamp(t, 0f, 1f) * 255f);
    }
}
