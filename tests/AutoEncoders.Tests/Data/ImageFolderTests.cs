using AutoEncoders.Data;
using SkiaSharp;
using TorchSharp;

namespace AutoEncoders.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Class_folders_load_as_N_C_H_W_in_0_1_with_labels_in_folder_order()
    {
        string root = _temp.File("pets");
        WriteImage(Path.Combine(root, "dog", "a.png"), 8, 6, (_, _) => new SKColor(255, 0, 0));
        WriteImage(Path.Combine(root, "dog", "nested", "b.png"), 8, 6, (_, _) => new SKColor(0, 255, 0));
        WriteImage(Path.Combine(root, "cat", "c.png"), 8, 6, (_, _) => new SKColor(0, 0, 255));
        _temp.Write("pets/README.txt", "notes");

        using TensorDataset rgb = ImageFolder.Load(root, new ImageFolderOptions { Width = 4, Height = 3, Channels = 3 });
        using TensorDataset grey = ImageFolder.Load(root, new ImageFolderOptions { Width = 4, Height = 3 });
        ImageFolderListing listing = ImageFolder.Scan(root);

        Assert.Equal([3L, 3, 3, 4], rgb.Features.shape);
        Assert.Equal(["cat", "dog"], rgb.ClassNames);
        Assert.Equal([0L, 1, 1], rgb.Labels!.data<long>().ToArray());
        Assert.Equal([0L, 1, 1], listing.Labels);
        Assert.Equal(["README.txt"], listing.Skipped);
        Assert.Equal("pets", rgb.Name);

        // cat/c.png is blue, dog/a.png red, dog/nested/b.png green; resizing a solid colour keeps it.
        Assert.Equal([0f, 0f, 1f], rgb.Features[0, .., 1, 2].data<float>().ToArray());
        Assert.Equal([1f, 0f, 0f], rgb.Features[1, .., 0, 0].data<float>().ToArray());
        Assert.Equal([0f, 1f, 0f], rgb.Features[2, .., 2, 3].data<float>().ToArray());
        Assert.Equal([3L, 1, 3, 4], grey.Features.shape);
        Assert.Equal(0.114f, grey.Features[0, 0, 0, 0].item<float>(), 1e-6f);
        Assert.Equal(0.299f, grey.Features[1, 0, 2, 3].item<float>(), 1e-6f);
        Assert.Equal(0.587f, grey.Features[2, 0, 1, 1].item<float>(), 1e-6f);
    }

    [Fact]
    public void Pixels_at_native_size_are_the_byte_values_over_255()
    {
        string path = _temp.File("gradient.png");
        WriteImage(path, 5, 2, (x, y) => new SKColor((byte)(50 * x), (byte)(100 * y), 7));

        float[] rgb = ImageFile.ReadPixels(path, 5, 2, 3);

        Assert.Equal(200 / 255f, rgb[4]);
        Assert.Equal(100 / 255f, rgb[10 + 5]);
        Assert.Equal(7 / 255f, rgb[20 + 9]);
    }

    [Fact]
    public void Grey_png_reads_as_equal_rgb_channels_and_jpeg_decodes_close_to_its_source()
    {
        string grey = _temp.File("g.png");
        using (var bitmap = new SKBitmap(new SKImageInfo(3, 3, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(90, 90, 90));
            File.WriteAllBytes(grey, bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }

        string jpeg = _temp.File("j.jpg");
        WriteImage(jpeg, 16, 16, (_, _) => new SKColor(128, 128, 128), SKEncodedImageFormat.Jpeg);

        ImageFileInfo info = ImageFile.ReadInfo(grey);
        float[] rgb = ImageFile.ReadPixels(grey, 3, 3, 3);
        float[] jpegGrey = ImageFile.ReadPixels(jpeg, 8, 8, 1);

        Assert.True(info.IsGrey);
        Assert.Equal(("Png", 3, 3), (info.Format, info.Width, info.Height));
        Assert.All(rgb, v => Assert.Equal(90 / 255f, v));
        Assert.Equal("Jpeg", ImageFile.ReadInfo(jpeg).Format);
        Assert.All(jpegGrey, v => Assert.Equal(128 / 255f, v, 3f / 255f));
    }

    [Fact]
    public void Flat_folder_loads_unlabelled()
    {
        string root = _temp.File("flat");
        WriteImage(Path.Combine(root, "1.png"), 2, 2, (_, _) => SKColors.White);
        WriteImage(Path.Combine(root, "2.jpeg"), 2, 2, (_, _) => SKColors.Black, SKEncodedImageFormat.Jpeg);
        _temp.Write("flat/.hidden.png", "not an image and hidden");

        using TensorDataset data = ImageFolder.Load(root, new ImageFolderOptions { Width = 2, Height = 2 });

        Assert.Null(data.Labels);
        Assert.Empty(data.ClassNames);
        Assert.Equal([2L, 1, 2, 2], data.Features.shape);
        Assert.Equal(1f, data.Features[0].min().item<float>(), 1e-6f);
    }

    [Fact]
    public void Truncated_image_is_refused_naming_the_file()
    {
        string root = _temp.File("set");
        string good = Path.Combine(root, "a", "good.png");
        WriteImage(good, 64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)));
        byte[] bytes = File.ReadAllBytes(good);
        string cut = _temp.Write("set/a/cut.png", bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Load(root, new ImageFolderOptions { Width = 8, Height = 8 }));

        Assert.Equal(cut, e.FilePath);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void File_that_is_not_an_image_is_refused_naming_it()
    {
        string path = _temp.Write("fake.png", "this is text");

        var e = Assert.Throws<DataFormatException>(() => ImageFile.ReadPixels(path, 2, 2, 1));

        Assert.Equal(path, e.FilePath);
        Assert.Equal("offset 0", e.Location);
        Assert.Contains("expected a PNG or JPEG image, found bytes no image decoder recognises (they start 7468697320697320)", e.Message);
    }

    [Fact]
    public void Loose_images_beside_class_folders_are_refused()
    {
        string root = _temp.File("mixed");
        WriteImage(Path.Combine(root, "a", "1.png"), 2, 2, (_, _) => SKColors.White);
        WriteImage(Path.Combine(root, "loose.png"), 2, 2, (_, _) => SKColors.White);

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(root));

        Assert.Contains("found 1 images (such as loose.png) beside the class folders a", e.Message);
    }

    [Fact]
    public void Empty_class_folder_and_class_outside_the_given_names_are_refused()
    {
        string root = _temp.File("classes");
        WriteImage(Path.Combine(root, "a", "1.png"), 2, 2, (_, _) => SKColors.White);
        Directory.CreateDirectory(Path.Combine(root, "b"));

        var empty = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(root));
        Directory.Delete(Path.Combine(root, "b"));
        var unknown = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(root, ["x", "y"]));
        ImageFolderListing mapped = ImageFolder.Scan(root, ["z", "a"]);

        Assert.Equal(Path.Combine(root, "b"), empty.FilePath);
        Assert.Contains("found none", empty.Message);
        Assert.Contains("expected a class folder named one of 'x', 'y', found 'a'", unknown.Message);
        Assert.Equal([1L], mapped.Labels);
    }

    [Fact]
    public void Folder_without_images_is_refused()
    {
        string root = _temp.File("none");
        _temp.Write("none/a.txt", "x");

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(root));

        Assert.Contains("expected .png/.jpg/.jpeg images, or class folders holding them, found none", e.Message);
    }

    internal static void WriteImage(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        using SKData data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
