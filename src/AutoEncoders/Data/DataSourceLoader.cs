using AutoEncoders.Data.Streaming;

namespace AutoEncoders.Data;

/// <summary>Loads the splits a <see cref="DataSource"/> names: the catalog, IDX files, CSV tables, image folders or sequence files.</summary>
public static class DataSourceLoader
{
    /// <summary>The <paramref name="split"/> of <paramref name="source"/>, limited as the source says.</summary>
    public static TensorDataset Load(DataSource source, DatasetSplit split, DatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        (string? images, string? labels) = split == DatasetSplit.Train
            ? (source.TrainImages, source.TrainLabels)
            : (source.TestImages, source.TestLabels);
        long? limit = split == DatasetSplit.Train ? source.TrainLimit : source.TestLimit;
        bool train = split == DatasetSplit.Train;
        if ((train ? source.TrainTable : source.TestTable) is string table)
        {
            // Scaled with the training rows' range, so test rows are measured on the scale the model learned.
            string? label = source.LabelColumn
                ?? CsvTable.ReadHeader(table).FirstOrDefault(c => c.ToLowerInvariant() is "label" or "class" or "target" or "y");
            var csv = new CsvOptions { LabelColumn = label };
            CsvTable rows = CsvTable.Read(table, csv);
            MinMaxNormalizer scale = MinMaxNormalizer.Fit(train || source.TrainTable is null ? rows : CsvTable.Read(source.TrainTable, csv));
            return Limit(scale.Transform(rows).ToDataset(), limit);
        }

        if ((train ? source.TrainArray : source.TestArray) is string array)
        {
            using StreamingDataset file = StreamingDataset.Open(array, source.BlockRows);
            return Limit(file.ToDataset(), limit);
        }

        if ((train ? source.TrainImageFolder : source.TestImageFolder) is string folder)
        {
            var shape = new ImageFolderOptions { Channels = source.ImageShape[0], Height = source.ImageShape[1], Width = source.ImageShape[2] };
            return Limit(ImageFolder.Load(folder, shape), limit);
        }

        if ((train ? source.TrainSequences : source.TestSequences) is string sequences)
        {
            return Limit(SequenceTable.Read(sequences, new SequenceOptions { Channels = source.SequenceChannels }).ToDataset(), limit);
        }

        if (images is not null)
        {
            return Limit(IdxDataset.Load(images, labels, name: $"{Path.GetFileName(images)}"), limit);
        }

        if (source.Dataset is not null)
        {
            return Limit(DatasetCatalog.Default.Load(source.Dataset, split, options), limit);
        }

        throw new ArgumentException(
            split == DatasetSplit.Train
                ? "data: name a catalog dataset (\"dataset\": \"fashion-mnist\") or IDX files (\"trainImages\", \"trainLabels\")."
                : "data: this recipe has no test data (set \"dataset\", or \"testImages\" and \"testLabels\").");
    }

    /// <summary>True when <paramref name="source"/> names test data.</summary>
    public static bool HasTest(DataSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Dataset is not null || source.TestImages is not null || source.TestTable is not null
            || source.TestImageFolder is not null || source.TestSequences is not null || source.TestArray is not null;
    }

    /// <summary>
    /// The training data of <paramref name="source"/>: its array file read in blocks when <see cref="DataSource.Stream"/>
    /// is set (nothing but two blocks in memory), else the training split in memory (<see cref="Load"/>).
    /// </summary>
    public static IBatchSource LoadTraining(DataSource source, DatasetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source is { Stream: true, TrainArray: string array }
            ? StreamingDataset.Open(array, source.BlockRows)
            : Load(source, DatasetSplit.Train, options);
    }

    /// <summary>The first <paramref name="limit"/> samples of <paramref name="data"/> (the dataset itself when null or larger).</summary>
    public static TensorDataset Limit(TensorDataset data, long? limit)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (limit is not long n || n >= data.Count)
        {
            return data;
        }

        using (data)
        using (TensorDataset sliced = data.Slice(0, n))
        {
            return new TensorDataset(
                sliced.Features.clone(),
                sliced.Labels?.clone(),
                data.ClassNames,
                data.Name,
                string.Join("; ", new[] { data.Note, $"first {n} of {data.Count} samples" }.Where(s => s is not null)))
            {
                SourcePath = data.SourcePath,
            };
        }
    }
}
