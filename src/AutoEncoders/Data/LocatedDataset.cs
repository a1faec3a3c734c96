namespace AutoEncoders.Data;

/// <summary>The result of looking for one split of a catalog dataset: the variant chosen and where its files are.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="Variant">The variant found, or the published one when none was found.</param>
/// <param name="Images">Where the images file was found, or why not.</param>
/// <param name="Labels">Where the labels file was found, or why not.</param>
/// <param name="SearchedDirectories">The folders searched, in order.</param>
public sealed record LocatedDataset(
    DatasetDescriptor Dataset,
    DatasetVariant Variant,
    LocatedFile Images,
    LocatedFile Labels,
    IReadOnlyList<SearchDirectory> SearchedDirectories)
{
    /// <summary>The split looked for.</summary>
    public DatasetSplit Split => Variant.Split;

    /// <summary>Whether both files were found.</summary>
    public bool Found => Images.Found && Labels.Found;

    /// <summary>Whether both files were found and matched published checksums.</summary>
    public bool Verified => Images.Verified && Labels.Verified;

    /// <summary>
    /// What a user must know about the data found: that a stand-in (such as a slice) is used, and which files are
    /// unverified. Null when the published files were found and verified.
    /// </summary>
    public string? Note
    {
        get
        {
            var parts = new List<string>();
            if (Variant.Note is not null)
            {
                parts.Add(Variant.Note);
            }

            parts.AddRange(new[] { Images, Labels }
                .Where(f => f.Verification == FileVerification.Unverified)
                .Select(f => $"{f.Path} is {f.Detail}"));
            return parts.Count == 0 ? null : string.Join(" ", parts);
        }
    }

    /// <summary>"mnist/train", or "mnist/train-10k" for a stand-in.</summary>
    public string DisplayName => $"{Dataset.Name}/{Variant.Name}";
}
