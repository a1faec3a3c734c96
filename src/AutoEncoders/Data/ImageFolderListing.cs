namespace AutoEncoders.Data;

/// <summary>The images a folder holds, with their classes when the folder has one subfolder per class.</summary>
/// <param name="Directory">The folder.</param>
/// <param name="Files">The image files, in order (by class folder, then by path, ordinally).</param>
/// <param name="Labels">Class index per file, or null for a flat (unlabelled) folder.</param>
/// <param name="ClassNames">Class names (the subfolder names), indexed by label; empty for a flat folder.</param>
/// <param name="Skipped">Files that are not images (by extension), relative to the folder; hidden files are not listed.</param>
public sealed record ImageFolderListing(
    string Directory,
    IReadOnlyList<string> Files,
    IReadOnlyList<long>? Labels,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> Skipped)
{
    /// <summary>Whether the folder has class subfolders.</summary>
    public bool Labelled => Labels is not null;
}
