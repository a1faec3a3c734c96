namespace AutoEncoders.Data;

/// <summary>One file of a catalog dataset and the checksums that identify it.</summary>
/// <param name="FileName">The published name, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="Sha256">SHA-256 of the published file's bytes (hex, lower case).</param>
/// <param name="ContentSha256">
/// SHA-256 of the decompressed IDX content (hex, lower case) when known: it identifies a copy that was recompressed,
/// such as Debian's, whose archive bytes differ from the published ones. Null when unknown.
/// </param>
public sealed record DatasetFile(string FileName, string Sha256, string? ContentSha256 = null)
{
    /// <summary>The name of the decompressed file ("train-images-idx3-ubyte"), also accepted when found.</summary>
    public string UncompressedName =>
        FileName.EndsWith(".gz", StringComparison.Ordinal) ? FileName[..^3] : FileName;
}
