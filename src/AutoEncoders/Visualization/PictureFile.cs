namespace AutoEncoders.Visualization;

/// <summary>A PNG picture written to disk, with what the report needs to show it.</summary>
/// <param name="Path">Where the PNG is.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Title">A short title, e.g. "Reconstructions".</param>
/// <param name="Description">One or two sentences saying what the picture shows and how it was made.</param>
public sealed record PictureFile(string Path, int Width, int Height, string Title, string Description);
