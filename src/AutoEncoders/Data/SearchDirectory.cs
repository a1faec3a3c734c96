namespace AutoEncoders.Data;

/// <summary>A folder searched for a dataset's files, and why it is searched.</summary>
/// <param name="Path">The folder, e.g. "/usr/share/datasets/fashion-mnist".</param>
/// <param name="Origin">Where the folder comes from: "--data-dir", "AE_DATA_PATH", "system" or "cache".</param>
public sealed record SearchDirectory(string Path, string Origin)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path} ({Origin})";
}
