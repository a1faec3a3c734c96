using AutoEncoders.Persistence;
using SkiaSharp;

namespace AutoEncoders.Visualization;

/// <summary>Encodes Skia surfaces as PNG, written atomically.</summary>
internal static class PngOutput
{
    /// <summary>Writes the surface's pixels to <paramref name="path"/> and returns the picture's record.</summary>
    public static PictureFile Save(SKSurface surface, string path, string title, string description)
    {
        using SKImage image = surface.Snapshot();
        return Save(image, path, title, description);
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/>.</summary>
    public static PictureFile Save(SKImage image, string path, string title, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"{path}: SkiaSharp could not encode a {image.Width}x{image.Height} PNG.");
        AtomicFile.Write(path, stream => data.SaveTo(stream));
        return new PictureFile(path, image.Width, image.Height, title, description);
    }

    /// <summary>A white raster surface of the given size.</summary>
    public static SKSurface NewSurface(int width, int height)
    {
        if (width < 1 || height < 1 || width > 16384 || height > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A picture of {width}x{height} pixels is outside 1..16384 on each side.");
        }

        SKSurface surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not make a {width}x{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        return surface;
    }

    /// <summary>Draws <paramref name="text"/> with the picture font, left-aligned at baseline (x, y).</summary>
    public static void DrawText(SKCanvas canvas, string text, float x, float y, float size, bool bold = false, SKTextAlign align = SKTextAlign.Left)
    {
        using var font = new SKFont(bold ? PictureFont.Bold : PictureFont.Regular, size);
        using var paint = new SKPaint { Color = new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>Width of <paramref name="text"/> in the picture font.</summary>
    public static float MeasureText(string text, float size, bool bold = false)
    {
        using var font = new SKFont(bold ? PictureFont.Bold : PictureFont.Regular, size);
        return font.MeasureText(text);
    }
}
