namespace AutoEncoders.Data;

/// <summary>One document of a text corpus.</summary>
/// <param name="Text">The document's text.</param>
/// <param name="Category">Its category (the subfolder, or the fortune file it came from).</param>
/// <param name="Source">Where it came from: the file, with the fortune's number in a fortune file.</param>
public sealed record TextDocument(string Text, string Category, string Source);
