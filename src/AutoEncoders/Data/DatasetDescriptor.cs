namespace AutoEncoders.Data;

/// <summary>What the catalog knows about one dataset: its files and checksums, where it is published, its classes and licence.</summary>
public sealed record DatasetDescriptor
{
    /// <summary>Catalog name, also the folder name under a data root: "mnist", "fashion-mnist", "kmnist".</summary>
    public required string Name { get; init; }

    /// <summary>One line saying what the data is.</summary>
    public required string Description { get; init; }

    /// <summary>Display names of the classes, indexed by label.</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>The licence the data is published under.</summary>
    public required string License { get; init; }

    /// <summary>The work to cite when using the data.</summary>
    public required string Citation { get; init; }

    /// <summary>The dataset's home page.</summary>
    public required Uri Homepage { get; init; }

    /// <summary>Base URLs that serve the published files, in the order they are tried; each ends with '/'.</summary>
    public required IReadOnlyList<Uri> Mirrors { get; init; }

    /// <summary>
    /// The files that provide each split, in order of preference: the published files first, then stand-ins
    /// (see <see cref="DatasetVariant.Note"/>).
    /// </summary>
    public required IReadOnlyList<DatasetVariant> Variants { get; init; }

    /// <summary>A Debian package that installs the files into /usr/share/datasets/&lt;name&gt;, if there is one.</summary>
    public string? SystemPackage { get; init; }

    /// <summary>The variants that provide <paramref name="split"/>, in order of preference.</summary>
    public IEnumerable<DatasetVariant> VariantsOf(DatasetSplit split) => Variants.Where(v => v.Split == split);

    /// <summary>The published files of <paramref name="split"/>.</summary>
    /// <exception cref="InvalidOperationException">The descriptor lists no published files for the split.</exception>
    public DatasetVariant Published(DatasetSplit split) =>
        VariantsOf(split).FirstOrDefault(v => v.IsPublished)
        ?? throw new InvalidOperationException($"Dataset '{Name}' lists no published files for its {split.ToString().ToLowerInvariant()} split.");

    /// <summary>The splits the dataset has, in order (train, test).</summary>
    public IEnumerable<DatasetSplit> Splits => Variants.Select(v => v.Split).Distinct().Order();
}
