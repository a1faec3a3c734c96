using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// Reads a folder of PNG/JPEG images into a <see cref="TensorDataset"/> [N, C, H, W] float32 in [0, 1]: one
/// subfolder per class (its images labelled by the folder's name, searched recursively), or a flat folder of
/// unlabelled images. Hidden files and folders (names starting with '.') are ignored.
/// </summary>
public static class ImageFolder
{
    /// <summary>Lists the images and classes without decoding them.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="DataFormatException">The folder holds no images, mixes loose images with class folders, or has an empty or unknown class folder.</exception>
    public static ImageFolderListing Scan(string directory, IReadOnlyList<string>? classNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such folder.");
        }

        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        string[] topFiles = [.. Directory.EnumerateFiles(directory, "*", options).Where(f => !IsHidden(f)).Order(StringComparer.Ordinal)];
        string[] subfolders = [.. Directory.EnumerateDirectories(directory, "*", options).Where(d => !IsHidden(d)).Order(StringComparer.Ordinal)];
        var recursive = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var perClass = subfolders.ToDictionary(d => d, d => Directory.EnumerateFiles(d, "*", recursive)
            .Where(f => !IsHidden(f) && !Path.GetRelativePath(d, f).Split(Path.DirectorySeparatorChar).Any(IsHiddenName))
            .Order(StringComparer.Ordinal)
            .ToArray());
        string[] topImages = [.. topFiles.Where(ImageFile.HasImageExtension)];
        var skipped = topFiles.Where(f => !ImageFile.HasImageExtension(f))
            .Concat(perClass.Values.SelectMany(files => files.Where(f => !ImageFile.HasImageExtension(f))))
            .Select(f => Path.GetRelativePath(directory, f))
            .ToList();
        string extensions = string.Join("/", ImageFile.Extensions);

        if (!perClass.Values.Any(files => files.Any(ImageFile.HasImageExtension)))
        {
            if (topImages.Length == 0)
            {
                throw new DataFormatException(directory, "folder", $"expected {extensions} images, or class folders holding them, found none.");
            }

            return new ImageFolderListing(directory, topImages, null, [], skipped);
        }

        if (topImages.Length > 0)
        {
            throw new DataFormatException(directory, "folder",
                $"found {topImages.Length} images (such as {Path.GetFileName(topImages[0])}) beside the class folders {string.Join(", ", subfolders.Select(Path.GetFileName))}; put every image in a class folder, or use a flat folder without subfolders.");
        }

        string? empty = subfolders.FirstOrDefault(d => !perClass[d].Any(ImageFile.HasImageExtension));
        if (empty is not null)
        {
            throw new DataFormatException(empty, "folder", $"expected {extensions} images in class folder '{Path.GetFileName(empty)}', found none.");
        }

        IReadOnlyList<string> names = classNames ?? [.. subfolders.Select(d => Path.GetFileName(d)!)];
        var files = new List<string>();
        var labels = new List<long>();
        foreach (string folder in subfolders)
        {
            string name = Path.GetFileName(folder);
            int label = IndexOf(names, name);
            if (label < 0)
            {
                throw new DataFormatException(folder, "folder", $"expected a class folder named one of {string.Join(", ", names.Select(n => $"'{n}'"))}, found '{name}'.");
            }

            foreach (string file in perClass[folder].Where(ImageFile.HasImageExtension))
            {
                files.Add(file);
                labels.Add(label);
            }
        }

        return new ImageFolderListing(directory, files, labels, names, skipped);
    }

    /// <summary>Reads every image, resized, into [N, C, H, W] float32 in [0, 1] with int64 labels for class folders.</summary>
    /// <exception cref="DataFormatException">An image is corrupt (the message names it), or the folder's layout is refused (see <see cref="Scan"/>).</exception>
    public static TensorDataset Load(string directory, ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);
        if (options.Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Channels, "Images are read with 1 (grey) or 3 (RGB) channels.");
        }

        ImageFolderListing listing = Scan(directory, options.ClassNames);
        int c = options.Channels, h = options.Height, w = options.Width;
        int size = c * h * w;
        float[] pixels = new float[(long)listing.Files.Count * size];
        for (int i = 0; i < listing.Files.Count; i++)
        {
            ImageFile.ReadPixels(listing.Files[i], w, h, c, pixels.AsSpan(i * size, size));
        }

        using var scope = torch.NewDisposeScope();
        Tensor features = torch.tensor(pixels, [listing.Files.Count, c, h, w], dtype: ScalarType.Float32);
        Tensor? labels = listing.Labels is null ? null : torch.tensor(listing.Labels.ToArray(), dtype: ScalarType.Int64);
        var dataset = new TensorDataset(features, labels, listing.ClassNames, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)))) { SourcePath = directory };
        dataset.Features.MoveToOuterDisposeScope();
        dataset.Labels?.MoveToOuterDisposeScope();
        return dataset;
    }

    private static bool IsHidden(string path) => IsHiddenName(Path.GetFileName(path));

    private static bool IsHiddenName(string name) => name.StartsWith('.');

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
