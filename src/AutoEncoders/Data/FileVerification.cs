namespace AutoEncoders.Data;

/// <summary>How a file found on disk was matched against the catalog's checksums.</summary>
public enum FileVerification
{
    /// <summary>The file was not found, or not checked.</summary>
    None,

    /// <summary>The file's bytes match the SHA-256 of the published file.</summary>
    PublishedArchive,

    /// <summary>The file was recompressed (or decompressed), but its IDX content matches the known SHA-256.</summary>
    Content,

    /// <summary>The bytes differ from the published file and no checksum of the content is known: used, but unverified.</summary>
    Unverified,

    /// <summary>The file contradicts the known checksums: it is corrupt or a different dataset, and is not used.</summary>
    Mismatch,
}
