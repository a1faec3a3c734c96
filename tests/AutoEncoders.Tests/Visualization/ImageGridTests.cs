using AutoEncoders.Runtime;
using AutoEncoders.Visualization;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Visualization;

public sealed class ImageGridTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    [Fact]
    public void Layout_is_inferred_from_sample_shapes_and_refused_when_ambiguous()
    {
        Assert.Equal(new ImageLayout(1, 28, 28), ImageLayout.Infer([784]));
        Assert.Equal(new ImageLayout(3, 32, 32), ImageLayout.Infer([3072]));
        Assert.Equal(new ImageLayout(1, 28, 28), ImageLayout.Infer([1, 28, 28]));
        Assert.Equal(new ImageLayout(3, 8, 6), ImageLayout.Infer([3, 8, 6]));
        Assert.Equal(new ImageLayout(1, 5, 7), ImageLayout.Infer([5, 7]));
        Assert.Equal(new ImageLayout(1, 28, 28), ImageLayout.Parse("1,28,28"));
        ArgumentException e = Assert.Throws<ArgumentException>(() => ImageLayout.Infer([10]));
        Assert.Contains("[10]", e.Message);
        Assert.Contains("--image-shape", e.Message);
        Assert.Throws<ArgumentException>(() => ImageLayout.Infer([4, 5, 5]));
        Assert.Throws<ArgumentException>(() => ImageLayout.Parse("1,28,a"));
        Assert.Equal(new ImageLayout(1, 28, 28), ImageLayout.Parse("28x28"));
    }

    [Fact]
    public void Grid_has_the_computed_size_and_the_pixels_of_its_images()
    {
        TorchRuntime.EnsureLoaded();
        var layout = new ImageLayout(1, 4, 5);
        var grid = new ImageGrid(layout, 3) { Scale = 2, Padding = 1 };
        grid.AddRow(torch.stack([torch.ones(20), torch.zeros(20), torch.full(20, 0.5f)]));
        grid.AddRow(torch.ones(1, 20) * 2);
        PictureFile picture = grid.Save(Path.Combine(_folder.Path, "grid.png"), "Grid", "test grid");

        // Width: padding + 3 tiles of 5*2 pixels each followed by padding; height likewise with 2 rows of 4*2.
        using SKBitmap bitmap = Png.AssertPicture(picture, 1 + (3 * 11), 1 + (2 * 9));
        Assert.Equal(SKColors.White, bitmap.GetPixel(1, 1));
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(12 + 3, 1 + 3));
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(23 + 9, 1 + 7));
        Assert.Equal(SKColors.White, bitmap.GetPixel(1 + 4, 10 + 4)); // 2 is clipped to white
    }

    [Fact]
    public void Per_image_scaling_stretches_each_image_and_rgb_channels_are_channel_major()
    {
        TorchRuntime.EnsureLoaded();
        var grey = new ImageGrid(new ImageLayout(1, 2, 2), 1) { Scale = 1, Padding = 0, Scaling = PixelScaling.PerImage };
        grey.AddRow(torch.tensor(new float[] { -3, -1, 1, 5 }).reshape(1, 4));
        using SKImage greyImage = grey.Render();
        using SKBitmap g = SKBitmap.FromImage(greyImage);
        Assert.Equal(new SKColor(0, 0, 0), g.GetPixel(0, 0));
        Assert.Equal(new SKColor(255, 255, 255), g.GetPixel(1, 1));
        Assert.Equal(new SKColor(64, 64, 64), g.GetPixel(1, 0));

        var rgb = new ImageGrid(new ImageLayout(3, 1, 2), 1) { Scale = 1, Padding = 0 };
        rgb.AddRow(torch.tensor(new float[] { 1, 0, 0, 1, 0, 0 }).reshape(1, 6));
        using SKImage rgbImage = rgb.Render();
        using SKBitmap c = SKBitmap.FromImage(rgbImage);
        Assert.Equal(new SKColor(255, 0, 0), c.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 255, 0), c.GetPixel(1, 0));
    }

    [Fact]
    public void Titles_and_row_labels_render_as_text()
    {
        TorchRuntime.EnsureLoaded();
        var layout = new ImageLayout(1, 8, 8);
        var plain = new ImageGrid(layout, 2) { Scale = 4 };
        plain.AddRow(torch.full(2, 64, 0.6f));
        var titled = new ImageGrid(layout, 2) { Scale = 4, Title = "Reconstructions of digits" };
        titled.AddRow(torch.full(2, 64, 0.6f), "original");
        using SKBitmap a = Png.AssertPicture(plain.Save(Path.Combine(_folder.Path, "plain.png"), "plain", "plain grid"), minColours: 2);
        using SKBitmap b = Png.AssertPicture(titled.Save(Path.Combine(_folder.Path, "titled.png"), "titled", "titled grid"), minColours: 3);

        Assert.True(b.Width > a.Width, "the row label should widen the grid");
        Assert.True(b.Height > a.Height, "the title should heighten the grid");
        Assert.True(Png.DarkPixels(b, new SKRectI(0, 0, b.Width, 24)) > 40, "the title band should hold dark text pixels");
        Assert.True(Png.DarkPixels(b, new SKRectI(0, 27, 60, b.Height)) > 40, "the row label should be drawn left of the row");
        Assert.Contains("DejaVu", PictureFont.Family + " " + PictureFont.FilePath, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rows_refuse_images_of_the_wrong_size_or_too_many()
    {
        TorchRuntime.EnsureLoaded();
        var grid = new ImageGrid(new ImageLayout(1, 28, 28), 2);
        Assert.Contains("784", Assert.Throws<ArgumentException>(() => grid.AddRow(torch.zeros(1, 100))).Message);
        Assert.Throws<ArgumentException>(() => grid.AddRow(torch.zeros(3, 784)));
        Assert.Throws<InvalidOperationException>(() => grid.Render());
    }

    public void Dispose() => _folder.Dispose();
}
