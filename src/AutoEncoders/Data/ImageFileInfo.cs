namespace AutoEncoders.Data;

/// <summary>What an image file's header says, read without decoding the pixels.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">"Png", "Jpeg", ...</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="IsGrey">Whether the file stores one grey channel.</param>
/// <param name="HasAlpha">Whether the file stores transparency.</param>
public sealed record ImageFileInfo(string Path, string Format, int Width, int Height, bool IsGrey, bool HasAlpha);
