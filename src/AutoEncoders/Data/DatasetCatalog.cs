using System.Diagnostics.CodeAnalysis;

namespace AutoEncoders.Data;

/// <summary>
/// The datasets the toolkit knows by name (<see cref="Default"/>: mnist, fashion-mnist, kmnist), found on disk or
/// downloaded as <see cref="DatasetOptions"/> says, verified against their published checksums and loaded as
/// <see cref="TensorDataset"/>s.
/// </summary>
/// <example>
/// <code>
/// using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
/// </code>
/// </example>
public sealed class DatasetCatalog
{
    /// <summary>Creates a catalog of <paramref name="datasets"/>; names must be unique.</summary>
    public DatasetCatalog(IEnumerable<DatasetDescriptor> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        Datasets = [.. datasets];
        string? duplicate = Datasets.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"The catalog lists dataset '{duplicate}' more than once.", nameof(datasets));
        }
    }

    /// <summary>The built-in catalog: mnist, fashion-mnist and kmnist.</summary>
    public static DatasetCatalog Default { get; } = new([BuiltInDatasets.Mnist, BuiltInDatasets.FashionMnist, BuiltInDatasets.Kmnist]);

    /// <summary>The datasets, in display order.</summary>
    public IReadOnlyList<DatasetDescriptor> Datasets { get; }

    /// <summary>Finds a dataset by name (case-insensitive).</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out DatasetDescriptor? dataset)
    {
        dataset = Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        return dataset is not null;
    }

    /// <summary>The dataset named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The catalog has no such dataset; the message lists the names it has.</exception>
    public DatasetDescriptor Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return TryGet(name, out DatasetDescriptor? dataset)
            ? dataset
            : throw new ArgumentException($"Unknown dataset '{name}': the catalog has {string.Join(", ", Datasets.Select(d => d.Name))}.", nameof(name));
    }

    /// <summary>
    /// Looks for a split on disk without downloading: the published files if they are found, else the first
    /// stand-in that is (such as mnist's 10k training slice), else the published files' report of where they were
    /// looked for. Every candidate is verified.
    /// </summary>
    public LocatedDataset Locate(string name, DatasetSplit split, DatasetOptions? options = null) =>
        Locate(Get(name), split, new DatasetLocator(options));

    /// <summary>
    /// Loads a split as [N, 1, 28, 28] float32 images in [0, 1] with int64 labels, the dataset's class names, and a
    /// <see cref="TensorDataset.Note"/> when a stand-in or unverified files are used. Published files found nowhere
    /// are downloaded into the cache when <see cref="DatasetOptions.AllowDownload"/> is set (in preference to a
    /// stand-in); otherwise a stand-in is used when there is one.
    /// </summary>
    /// <exception cref="FileNotFoundException">The split is not on disk and downloads are not allowed; the message says where it was looked for and how to get it.</exception>
    /// <exception cref="IOException">A download failed.</exception>
    /// <exception cref="DataFormatException">A file found is corrupt or does not hold what the catalog expects.</exception>
    public TensorDataset Load(string name, DatasetSplit split, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        DatasetDescriptor dataset = Get(name);
        var locator = new DatasetLocator(options);
        LocatedDataset located = Locate(dataset, split, locator);
        if (options.AllowDownload && !(located.Found && located.Variant.IsPublished))
        {
            DatasetVariant published = dataset.Published(split);
            DownloadMissing(locator.Locate(dataset, published), locator, options);
            located = locator.Locate(dataset, published);
        }

        if (!located.Found)
        {
            throw new FileNotFoundException(NotFoundMessage(located), located.Images.Path is null ? located.Images.File.FileName : located.Labels.File.FileName);
        }

        IdxArray images = IdxReader.Read(located.Images.Path!);
        IdxArray labels = IdxReader.Read(located.Labels.Path!);
        if (images.Count != located.Variant.Count)
        {
            throw new DataFormatException(images.Path, "offset 4",
                $"expected {located.Variant.Count} images for {located.DisplayName}, found {images.Count}; the file is not the one the catalog describes.");
        }

        return IdxDataset.FromArrays(images, labels, dataset.ClassNames, located.DisplayName, located.Note);
    }

    /// <summary>
    /// Downloads into the cache every published file of <paramref name="name"/> (all splits) that is not found on
    /// disk, verifying each, and returns the paths downloaded (empty when all were present).
    /// </summary>
    /// <exception cref="IOException">A download failed; the message lists each mirror tried and why.</exception>
    public IReadOnlyList<string> Download(string name, DatasetOptions? options = null)
    {
        options ??= new DatasetOptions();
        DatasetDescriptor dataset = Get(name);
        var locator = new DatasetLocator(options);
        var downloaded = new List<string>();
        foreach (DatasetSplit split in dataset.Splits)
        {
            downloaded.AddRange(DownloadMissing(locator.Locate(dataset, dataset.Published(split)), locator, options));
        }

        return downloaded;
    }

    /// <summary>The message for a split found nowhere: where it was looked for and the ways to get it.</summary>
    public static string NotFoundMessage(LocatedDataset located)
    {
        ArgumentNullException.ThrowIfNull(located);
        DatasetDescriptor dataset = located.Dataset;
        string split = located.Split.ToString().ToLowerInvariant();
        string[] missing = [.. new[] { located.Images, located.Labels }.Where(f => !f.Found).Select(f => f.File.FileName)];
        string[] rejected = [.. located.Images.Rejected.Concat(located.Labels.Rejected)];
        string standIns = string.Join("", dataset.VariantsOf(located.Split).Where(v => !v.IsPublished)
            .Select(v => $" The stand-in {v.Name} ({v.Images.FileName}, {v.Labels.FileName}) was not found either."));
        string package = dataset.SystemPackage is null
            ? string.Empty
            : $"install it with `apt-get install {dataset.SystemPackage}` (into {DatasetOptions.DefaultSystemDirectory}/{dataset.Name}), ";
        return $"The {split} split of {dataset.Name} is not available: {string.Join(" and ", missing)} "
            + $"{(missing.Length == 1 ? "was" : "were")} not found in {string.Join(", ", located.SearchedDirectories)}."
            + (rejected.Length == 0 ? string.Empty : $" Rejected: {string.Join("; ", rejected)}")
            + standIns
            + $" To get it: {package}put the files in <root>/{dataset.Name}/ and set {DatasetOptions.SearchPathVariable}=<root> (or pass --data-dir <root>), "
            + $"or allow downloads from {dataset.Mirrors[0]} (`ae datasets --download {dataset.Name}`, or DatasetOptions.AllowDownload).";
    }

    private static LocatedDataset Locate(DatasetDescriptor dataset, DatasetSplit split, DatasetLocator locator)
    {
        LocatedDataset? first = null;
        foreach (DatasetVariant variant in dataset.VariantsOf(split))
        {
            LocatedDataset located = locator.Locate(dataset, variant);
            if (located.Found)
            {
                return located;
            }

            first ??= located;
        }

        return first ?? throw new ArgumentException($"Dataset '{dataset.Name}' has no {split.ToString().ToLowerInvariant()} split.", nameof(split));
    }

    private static List<string> DownloadMissing(LocatedDataset published, DatasetLocator locator, DatasetOptions options)
    {
        var downloaded = new List<string>();
        LocatedFile[] missing = [.. new[] { published.Images, published.Labels }.Where(f => !f.Found)];
        if (missing.Length == 0)
        {
            return downloaded;
        }

        string directory = Path.Combine(locator.CacheRoot, published.Dataset.Name);
        using var downloader = new DatasetDownloader(options.DownloadHandler, options.DownloadTimeout, options.Log);
        foreach (LocatedFile file in missing)
        {
            downloaded.Add(downloader.Download(published.Dataset, file.File, directory));
        }

        return downloaded;
    }
}
