using AutoEncoders.Visualization;
using SkiaSharp;

namespace AutoEncoders.Tests.Visualization;

/// <summary>Checks on PNG files: decodable, of the stated size, not blank, with text where expected.</summary>
internal static class Png
{
    public static SKBitmap Load(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        return SKBitmap.Decode(path) ?? throw new Xunit.Sdk.XunitException($"{path} is not a PNG SkiaSharp can decode");
    }

    /// <summary>Asserts the picture exists, has the recorded (and, when given, the expected) size, and is not blank.</summary>
    public static SKBitmap AssertPicture(PictureFile picture, int? width = null, int? height = null, int minColours = 2)
    {
        SKBitmap bitmap = Load(picture.Path);
        Assert.Equal((picture.Width, picture.Height), (bitmap.Width, bitmap.Height));
        if (width is not null)
        {
            Assert.Equal(width.Value, bitmap.Width);
        }

        if (height is not null)
        {
            Assert.Equal(height.Value, bitmap.Height);
        }

        Assert.True(GreyVariance(bitmap) > 0, $"{picture.Path} is blank (one flat colour)");
        int colours = DistinctColours(bitmap);
        Assert.True(colours >= minColours, $"{picture.Path} has {colours} distinct colours; expected at least {minColours}");
        Assert.False(string.IsNullOrWhiteSpace(picture.Title));
        Assert.False(string.IsNullOrWhiteSpace(picture.Description));
        return bitmap;
    }

    public static int DistinctColours(SKBitmap bitmap) => bitmap.Pixels.Select(p => (uint)p).Distinct().Count();

    public static double GreyVariance(SKBitmap bitmap)
    {
        double[] grey = bitmap.Pixels.Select(p => (p.Red + p.Green + p.Blue) / 3.0).ToArray();
        double mean = grey.Average();
        return grey.Sum(g => (g - mean) * (g - mean)) / grey.Length;
    }

    /// <summary>Pixels in the rectangle darker than mid-grey (text, lines).</summary>
    public static int DarkPixels(SKBitmap bitmap, SKRectI area)
    {
        int count = 0;
        for (int y = Math.Max(0, area.Top); y < Math.Min(bitmap.Height, area.Bottom); y++)
        {
            for (int x = Math.Max(0, area.Left); x < Math.Min(bitmap.Width, area.Right); x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 3 * 110)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>Pixels within <paramref name="tolerance"/> per channel of <paramref name="colour"/>.</summary>
    public static int PixelsNear(SKBitmap bitmap, SKColor colour, int tolerance = 12) =>
        bitmap.Pixels.Count(p => Math.Abs(p.Red - colour.Red) <= tolerance && Math.Abs(p.Green - colour.Green) <= tolerance && Math.Abs(p.Blue - colour.Blue) <= tolerance);
}
