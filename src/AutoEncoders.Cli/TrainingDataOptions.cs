using System.CommandLine;
using AutoEncoders.Data;

namespace AutoEncoders.Cli;

/// <summary>
/// `ae train` on data other than a catalog dataset or IDX files: a CSV table (--table), a folder of images
/// (--image-folder, --image-shape) or a sequence file (--sequences, --channels), each with its test counterpart.
/// They set the recipe's data section (and clear its catalog dataset), so the run directory records them.
/// </summary>
internal sealed class TrainingDataOptions
{
    public Option<string?> Table { get; } = new("--table") { Description = "Train on a CSV table (header row, numbers; each column scaled to [0, 1] with the training rows' range)." };

    public Option<string?> TestTable { get; } = new("--test-table") { Description = "A CSV table to test on, with --table's columns." };

    public Option<string?> LabelColumn { get; } = new("--label-column") { Description = "The tables' label column (not a feature; default: a column named label, class, target or y, if any)." };

    public Option<string?> ImageFolder { get; } = new("--image-folder") { Description = "Train on a folder of PNG/JPEG images (a subfolder per class, or flat), made --image-shape." };

    public Option<string?> TestImageFolder { get; } = new("--test-image-folder") { Description = "A folder of images to test on." };

    public Option<string?> ImageShape { get; } = new("--image-shape") { Description = "CHANNELSxHEIGHTxWIDTH the folder images are made into, e.g. 1x28x28 or 3x32x32 (default 1x28x28)." };

    public Option<string?> Sequences { get; } = new("--sequences") { Description = "Train on a sequence file (one series per row, class label first: the UCR layout)." };

    public Option<string?> TestSequences { get; } = new("--test-sequences") { Description = "A sequence file to test on." };

    public Option<int?> Channels { get; } = new("--channels") { Description = "Variables per time step in the sequence files (a row holds each channel's values in turn; default 1)." };

    public Option<string?> Array { get; } = new("--array") { Description = "Train on a .npy file (float32, C order, [N, ...]) or a .parquet file (numeric columns), loaded into memory unless --stream." };

    public Option<string?> TestArray { get; } = new("--test-array") { Description = "A .npy or .parquet file to test on (loaded into memory)." };

    public Option<bool> Stream { get; } = new("--stream") { Description = "Read --array in blocks while training instead of loading it: files larger than memory; shuffled by blocks, then within each (docs/streaming.md)." };

    public Option<long?> BlockRows { get; } = new("--block-rows") { Description = "--stream on a .npy file: rows per block (default: 64 MiB of values). A Parquet file's blocks are its row groups." };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Table, TestTable, LabelColumn, ImageFolder, TestImageFolder, ImageShape, Sequences, TestSequences, Channels, Array, TestArray, Stream, BlockRows })
        {
            command.Options.Add(option);
        }
    }

    /// <summary><paramref name="data"/> with the given options applied; a table, folder or sequence file replaces the catalog dataset.</summary>
    public DataSource Apply(ParseResult parse, DataSource data)
    {
        string? table = parse.GetValue(Table);
        string? folder = parse.GetValue(ImageFolder);
        string? sequences = parse.GetValue(Sequences);
        string? array = parse.GetValue(Array);
        int given = new[] { table, folder, sequences, array }.Count(v => v is not null);
        if (given > 1)
        {
            throw new ArgumentException("--table, --image-folder, --sequences and --array: give one kind of training data.");
        }

        DataSource result = data with
        {
            TrainTable = table ?? data.TrainTable,
            TestTable = parse.GetValue(TestTable) ?? data.TestTable,
            LabelColumn = parse.GetValue(LabelColumn) ?? data.LabelColumn,
            TrainImageFolder = folder ?? data.TrainImageFolder,
            TestImageFolder = parse.GetValue(TestImageFolder) ?? data.TestImageFolder,
            ImageShape = parse.GetValue(ImageShape) is string shape ? ParseShape(shape) : data.ImageShape,
            TrainSequences = sequences ?? data.TrainSequences,
            TestSequences = parse.GetValue(TestSequences) ?? data.TestSequences,
            SequenceChannels = parse.GetValue(Channels) ?? data.SequenceChannels,
            TrainArray = array ?? data.TrainArray,
            TestArray = parse.GetValue(TestArray) ?? data.TestArray,
            Stream = parse.GetValue(Stream) || data.Stream,
            BlockRows = parse.GetValue(BlockRows) ?? data.BlockRows,
        };
        return given == 1 ? result with { Dataset = null, TrainImages = null, TrainLabels = null, TestImages = null, TestLabels = null } : result;
    }

    private static int[] ParseShape(string shape)
    {
        string[] parts = shape.Split('x');
        return parts.Length == 3 && parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0)
            ? parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : throw new ArgumentException($"--image-shape: '{shape}' is not CHANNELSxHEIGHTxWIDTH, e.g. 1x28x28.");
    }
}
