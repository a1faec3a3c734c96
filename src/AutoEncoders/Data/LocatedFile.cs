namespace AutoEncoders.Data;

/// <summary>Where one catalog file was found and how it was verified, or why it was not found.</summary>
/// <param name="File">The catalog file looked for.</param>
/// <param name="Path">The file used, or null when none was found.</param>
/// <param name="Verification">How the file was matched against the checksums.</param>
/// <param name="Detail">One sentence: what the verification found, or where the file was looked for.</param>
public sealed record LocatedFile(DatasetFile File, string? Path, FileVerification Verification, string Detail)
{
    /// <summary>Whether a usable file was found.</summary>
    public bool Found => Path is not null;

    /// <summary>Whether the file was matched against a published checksum (of the archive or of its content).</summary>
    public bool Verified => Verification is FileVerification.PublishedArchive or FileVerification.Content;

    /// <summary>Files with the right name that were not used, each as "path: reason".</summary>
    public IReadOnlyList<string> Rejected { get; init; } = [];
}
