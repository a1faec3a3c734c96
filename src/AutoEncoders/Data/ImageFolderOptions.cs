namespace AutoEncoders.Data;

/// <summary>How to read a folder of images: the size every image is resized to and the number of channels.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>Width in pixels after resizing.</summary>
    public required int Width { get; init; }

    /// <summary>Height in pixels after resizing.</summary>
    public required int Height { get; init; }

    /// <summary>1 for grey, 3 for RGB.</summary>
    public int Channels { get; init; } = 1;

    /// <summary>
    /// The classes, in label order, that the class folders must be among; null takes the folder names in ordinal
    /// order. Pass the training folder's class names when reading its test folder.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
