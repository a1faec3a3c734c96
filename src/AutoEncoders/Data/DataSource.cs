namespace AutoEncoders.Data;

/// <summary>
/// Where a recipe's data comes from: a catalog dataset by name, explicit IDX images and labels, a CSV table, a folder
/// of images, or a sequence file. The CLI's flags override it.
/// </summary>
public sealed record DataSource
{
    /// <summary>Catalog name: "mnist", "fashion-mnist" or "kmnist".</summary>
    public string? Dataset { get; init; }

    /// <summary>IDX file of training images (instead of a catalog dataset).</summary>
    public string? TrainImages { get; init; }

    /// <summary>IDX file of training labels.</summary>
    public string? TrainLabels { get; init; }

    /// <summary>IDX file of test images.</summary>
    public string? TestImages { get; init; }

    /// <summary>IDX file of test labels.</summary>
    public string? TestLabels { get; init; }

    /// <summary>A CSV table of training rows (header row, numbers; see <see cref="LabelColumn"/>), scaled to [0, 1] per column with the training rows' minimum and maximum.</summary>
    public string? TrainTable { get; init; }

    /// <summary>A CSV table of test rows, with the training table's columns (scaled with the training rows' statistics).</summary>
    public string? TestTable { get; init; }

    /// <summary>The tables' label column (not a feature); null takes a column named label, class, target or y, if any.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>A folder of PNG/JPEG training images (a subfolder per class, or flat), resized to <see cref="ImageShape"/>.</summary>
    public string? TrainImageFolder { get; init; }

    /// <summary>A folder of test images, like <see cref="TrainImageFolder"/>.</summary>
    public string? TestImageFolder { get; init; }

    /// <summary>[channels, height, width] the folder images are made into (channels 1 grey or 3 RGB).</summary>
    public IReadOnlyList<int> ImageShape { get; init; } = [1, 28, 28];

    /// <summary>A sequence file of training series (one per row, class label first, UCR layout).</summary>
    public string? TrainSequences { get; init; }

    /// <summary>A sequence file of test series.</summary>
    public string? TestSequences { get; init; }

    /// <summary>Variables per time step in the sequence files (a row holds each channel's values in turn).</summary>
    public int SequenceChannels { get; init; } = 1;

    /// <summary>A .npy (float32, C order, [N, ...]) or .parquet (numeric columns) file of training samples.</summary>
    public string? TrainArray { get; init; }

    /// <summary>A .npy or .parquet file of test samples, like <see cref="TrainArray"/> (loaded into memory).</summary>
    public string? TestArray { get; init; }

    /// <summary>Read <see cref="TrainArray"/> in blocks while training instead of loading it whole: for files larger than memory (docs/streaming.md).</summary>
    public bool Stream { get; init; }

    /// <summary>Rows per block of a streamed .npy file (null: 64 MiB of values); blocks are shuffled, then the rows within each. A Parquet file's blocks are its row groups.</summary>
    public long? BlockRows { get; init; }

    /// <summary>Use only the first N training samples (after any shuffling the source applies), or null for all.</summary>
    public long? TrainLimit { get; init; }

    /// <summary>Use only the first N test samples, or null for all.</summary>
    public long? TestLimit { get; init; }

    /// <summary>Checks the limits, throwing <see cref="ArgumentException"/> naming the field.</summary>
    public void Validate()
    {
        if (TrainLimit is < 1)
        {
            throw new ArgumentException($"data.trainLimit (--train-limit) must be at least 1 sample; found {TrainLimit}.");
        }

        if (ImageShape is not { Count: 3 } || ImageShape[0] is not (1 or 3) || ImageShape[1] < 1 || ImageShape[2] < 1)
        {
            throw new ArgumentException($"data.imageShape must be [channels, height, width] with 1 or 3 channels; found [{string.Join(", ", ImageShape ?? [])}].");
        }

        if (SequenceChannels < 1)
        {
            throw new ArgumentException($"data.sequenceChannels must be at least 1; found {SequenceChannels}.");
        }

        if (Stream && (TrainArray is null || TrainLimit is not null))
        {
            throw new ArgumentException(TrainArray is null
                ? "data.stream (--stream) reads a training array in blocks: name it with data.trainArray (--array FILE.npy or FILE.parquet)."
                : "data.stream (--stream) trains on the whole file; data.trainLimit (--train-limit) applies to data loaded into memory.");
        }

        if (BlockRows is < 1)
        {
            throw new ArgumentException($"data.blockRows (--block-rows) must be at least 1 row; found {BlockRows}.");
        }

        if (TestLimit is < 1)
        {
            throw new ArgumentException($"data.testLimit must be at least 1 sample; found {TestLimit}.");
        }
    }
}
