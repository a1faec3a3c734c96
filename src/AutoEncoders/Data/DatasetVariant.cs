namespace AutoEncoders.Data;

/// <summary>
/// A pair of files (images and labels) that provides one split of a catalog dataset: the published files, or a
/// stand-in such as a slice of them, which is used only when the published files are not found.
/// </summary>
/// <param name="Name">Short name, e.g. "train" or "train-10k".</param>
/// <param name="Split">The split it provides.</param>
/// <param name="Images">The images file.</param>
/// <param name="Labels">The labels file.</param>
/// <param name="Count">Number of items in each file.</param>
public sealed record DatasetVariant(string Name, DatasetSplit Split, DatasetFile Images, DatasetFile Labels, int Count)
{
    /// <summary>
    /// What a user must know when this variant stands in for the published split (e.g. that it is a slice); null
    /// for the published files.
    /// </summary>
    public string? Note { get; init; }

    /// <summary>Whether the files are the published ones, which can be downloaded from the dataset's mirrors.</summary>
    public bool IsPublished => Note is null;
}
