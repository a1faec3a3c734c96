using System.IO.Compression;
using System.Security.Cryptography;

namespace AutoEncoders.Data;

/// <summary>
/// Finds a catalog dataset's files on disk, in the order <see cref="DatasetOptions"/> describes, and verifies each
/// against the catalog's checksums: the published file's SHA-256, else the SHA-256 of its decompressed content.
/// </summary>
public sealed class DatasetLocator
{
    /// <summary>Creates a locator for <paramref name="options"/> (defaults when null).</summary>
    public DatasetLocator(DatasetOptions? options = null)
    {
        Options = options ?? new DatasetOptions();
    }

    /// <summary>The options searched by.</summary>
    public DatasetOptions Options { get; }

    /// <summary>The cache root (downloads go to &lt;root&gt;/&lt;name&gt;).</summary>
    public string CacheRoot => Options.CacheDirectory ?? DatasetOptions.DefaultCacheDirectory();

    /// <summary>The folders searched for <paramref name="datasetName"/>, in order, whether or not they exist.</summary>
    public IReadOnlyList<SearchDirectory> SearchDirectories(string datasetName)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetName);
        var directories = new List<SearchDirectory>();
        if (!string.IsNullOrWhiteSpace(Options.DataDirectory))
        {
            directories.Add(new(Path.Combine(Path.GetFullPath(Options.DataDirectory), datasetName), "--data-dir"));
        }

        IReadOnlyList<string> searchPath = Options.SearchPath
            ?? DatasetOptions.ParseSearchPath(Environment.GetEnvironmentVariable(DatasetOptions.SearchPathVariable));
        directories.AddRange(searchPath.Select(root => new SearchDirectory(Path.Combine(Path.GetFullPath(root), datasetName), DatasetOptions.SearchPathVariable)));
        if (!string.IsNullOrWhiteSpace(Options.SystemDirectory))
        {
            directories.Add(new(Path.Combine(Options.SystemDirectory, datasetName), "system"));
        }

        directories.Add(new(Path.Combine(CacheRoot, datasetName), "cache"));
        return directories.DistinctBy(d => d.Path).ToList();
    }

    /// <summary>Looks for both files of <paramref name="variant"/>.</summary>
    /// <param name="dataset">The dataset the variant belongs to.</param>
    /// <param name="variant">The files to look for.</param>
    /// <param name="verify">Whether to check each candidate's checksums (reads the whole file); unverified candidates are taken as found.</param>
    public LocatedDataset Locate(DatasetDescriptor dataset, DatasetVariant variant, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(variant);
        IReadOnlyList<SearchDirectory> directories = SearchDirectories(dataset.Name);
        return new LocatedDataset(dataset, variant, LocateFile(variant.Images, directories, verify), LocateFile(variant.Labels, directories, verify), directories);
    }

    /// <summary>
    /// Looks for <paramref name="file"/> (its published name, then its decompressed name) in each folder in turn;
    /// the first candidate that does not contradict the checksums is taken.
    /// </summary>
    public static LocatedFile LocateFile(DatasetFile file, IReadOnlyList<SearchDirectory> directories, bool verify = true)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(directories);
        var rejected = new List<string>();
        foreach (SearchDirectory directory in directories)
        {
            foreach (string name in new[] { file.FileName, file.UncompressedName }.Distinct())
            {
                string path = Path.Combine(directory.Path, name);
                if (!File.Exists(path))
                {
                    continue;
                }

                LocatedFile candidate = verify
                    ? Verify(file, path)
                    : new LocatedFile(file, path, FileVerification.None, "not verified.");
                if (candidate.Verification != FileVerification.Mismatch)
                {
                    return candidate with { Rejected = rejected };
                }

                rejected.Add($"{path}: {candidate.Detail}");
            }
        }

        string detail = $"{file.FileName} is not in {string.Join(", ", directories)}"
            + (rejected.Count == 0 ? "." : $"; rejected {string.Join("; ", rejected)}");
        return new LocatedFile(file, null, FileVerification.None, detail) { Rejected = rejected };
    }

    /// <summary>
    /// Checks <paramref name="path"/> against <paramref name="file"/>'s checksums: its bytes against the published
    /// SHA-256, then, if they differ, its decompressed content against the content SHA-256 when one is known.
    /// </summary>
    public static LocatedFile Verify(DatasetFile file, string path)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string archive = Sha256(path);
        if (archive == file.Sha256)
        {
            return new(file, path, FileVerification.PublishedArchive, "verified: its SHA-256 matches the catalog's.");
        }

        if (file.ContentSha256 is null)
        {
            return new(file, path, FileVerification.Unverified,
                $"unverified: its SHA-256 {archive} differs from the published {file.Sha256} (recompressed or modified?) and no checksum of the decompressed content is known.");
        }

        string content;
        try
        {
            content = ContentSha256(path);
        }
        catch (InvalidDataException)
        {
            return new(file, path, FileVerification.Mismatch,
                $"its SHA-256 {archive} differs from the published {file.Sha256} and its gzip stream is corrupt.");
        }

        return content == file.ContentSha256
            ? new(file, path, FileVerification.Content, "verified: the file was recompressed, but the SHA-256 of its decompressed content matches.")
            : new(file, path, FileVerification.Mismatch,
                $"neither its SHA-256 {archive} nor its content's {content} matches the published {file.Sha256} / content {file.ContentSha256}; it is corrupt or another dataset's file.");
    }

    /// <summary>SHA-256 of a file's bytes (hex, lower case).</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of a file's decompressed content (hex, lower case): of its bytes when it is not gzip.</summary>
    /// <exception cref="InvalidDataException">The gzip stream is corrupt.</exception>
    public static string ContentSha256(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        bool gzip = stream.Length >= 2 && stream.ReadByte() == 0x1f && stream.ReadByte() == 0x8b;
        stream.Position = 0;
        if (!gzip)
        {
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        using var decompressed = new GZipStream(stream, CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(decompressed));
    }
}
