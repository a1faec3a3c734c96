using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// Turns an IDX images file and its labels file (the MNIST layout) into a <see cref="TensorDataset"/>: unsigned-byte
/// pixels become float32 in [0, 1], rank-3 images [N, H, W] become [N, 1, H, W], labels become int64 [N].
/// </summary>
public static class IdxDataset
{
    /// <summary>Reads an images file and, when given, its labels file, and checks that they belong together.</summary>
    /// <param name="imagesPath">IDX file of rank 2 or more: [N, D], [N, H, W] or [N, ...].</param>
    /// <param name="labelsPath">IDX file of rank 1 with one integer label per image, or null for unlabelled data.</param>
    /// <param name="classNames">Display names of the classes, indexed by label.</param>
    /// <param name="name">Name of the dataset, e.g. "mnist/test".</param>
    /// <param name="note">Anything a user must know about the data.</param>
    /// <exception cref="DataFormatException">A file is corrupt, or the two files do not form a pair.</exception>
    public static TensorDataset Load(string imagesPath, string? labelsPath, IReadOnlyList<string>? classNames = null, string name = "", string? note = null)
    {
        IdxArray images = IdxReader.Read(imagesPath);
        IdxArray? labels = labelsPath is null ? null : IdxReader.Read(labelsPath);
        return FromArrays(images, labels, classNames, name, note);
    }

    /// <summary>Builds the dataset from arrays already read, after checking that they form a pair.</summary>
    /// <exception cref="DataFormatException">The images are rank 1, the labels are not rank-1 integers, or the counts differ.</exception>
    public static TensorDataset FromArrays(IdxArray images, IdxArray? labels, IReadOnlyList<string>? classNames = null, string name = "", string? note = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        CheckPair(images, labels);
        using var scope = torch.NewDisposeScope();
        Tensor features = images.ToFloatTensor();
        if (images.Shape.Count == 3)
        {
            features = features.unsqueeze(1);
        }

        Tensor? labelTensor = labels?.ToLabelTensor();
        if (labelTensor is not null && classNames is { Count: > 0 })
        {
            long maxLabel = labelTensor.max().item<long>();
            long minLabel = labelTensor.min().item<long>();
            if (minLabel < 0 || maxLabel >= classNames.Count)
            {
                throw new DataFormatException(labels!.Path, "labels",
                    $"expected labels 0..{classNames.Count - 1} for the {classNames.Count} classes {string.Join(", ", classNames)}, found labels from {minLabel} to {maxLabel}.");
            }
        }

        var dataset = new TensorDataset(features, labelTensor, classNames, name, note) { SourcePath = images.Path };
        dataset.Features.MoveToOuterDisposeScope();
        dataset.Labels?.MoveToOuterDisposeScope();
        return dataset;
    }

    /// <summary>Refuses an images/labels pair that does not belong together, naming both files.</summary>
    /// <exception cref="DataFormatException">The images are rank 1, the labels are not rank-1 integers, or the counts differ.</exception>
    public static void CheckPair(IdxArray images, IdxArray? labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Shape.Count < 2)
        {
            throw new DataFormatException(images.Path, "offset 3",
                $"expected images of rank 2 or more ([N, D] or [N, H, W]), found rank {images.Shape.Count} (shape {string.Join(" x ", images.Shape)}); is this a labels file?");
        }

        if (labels is null)
        {
            return;
        }

        if (labels.Shape.Count != 1)
        {
            throw new DataFormatException(labels.Path, "offset 3",
                $"expected labels of rank 1 (one label per image of {images.Path}), found rank {labels.Shape.Count} (shape {string.Join(" x ", labels.Shape)}); is this an images file?");
        }

        if (labels.DataType is IdxDataType.Float32 or IdxDataType.Float64)
        {
            throw new DataFormatException(labels.Path, "offset 2",
                $"expected integer labels for the images of {images.Path}, found element type {labels.DataType}.");
        }

        if (labels.Count != images.Count)
        {
            throw new DataFormatException(labels.Path, "offset 4",
                $"expected one label per image: {images.Path} holds {images.Count} images but {labels.Path} holds {labels.Count} labels; the two files do not belong together.");
        }
    }
}
