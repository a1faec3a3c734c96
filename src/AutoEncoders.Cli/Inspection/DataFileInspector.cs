using System.Globalization;
using AutoEncoders.Data;

namespace AutoEncoders.Cli.Inspection;

/// <summary>
/// Says what a data file holds: IDX (gzip or raw), CSV table, sequence file, PNG/JPEG image or image folder, with
/// its shape, element type, value range and label counts, or refuses it with the reader's precise error. Reads
/// these without libtorch; the .npy and .aeidx files that `ae` writes go to <see cref="WrittenFileInspector"/>.
/// </summary>
internal static class DataFileInspector
{
    private static readonly string[] GuessedLabelColumns = ["label", "class", "target", "y"];

    public static void Inspect(string path, InspectSettings settings, TextWriter output)
    {
        if (Directory.Exists(path))
        {
            InspectImageFolder(path, output);
            return;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file or folder.", path);
        }

        byte[] head = new byte[4096];
        int length;
        using (FileStream stream = File.OpenRead(path))
        {
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        ReadOnlySpan<byte> start = head.AsSpan(0, length);
        if (WrittenFileInspector.IsNpy(start))
        {
            WrittenFileInspector.InspectNpy(path, output);
        }
        else if (WrittenFileInspector.IsCodeIndex(start))
        {
            WrittenFileInspector.InspectCodeIndex(path, output);
        }
        else if (start.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]) || (length >= 4 && start[0] == 0 && start[1] == 0 && Enum.IsDefined((IdxDataType)start[2])))
        {
            InspectIdx(path, output);
        }
        else if (ImageFile.HasImageExtension(path) || start.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']) || start.StartsWith((ReadOnlySpan<byte>)[0xff, 0xd8, 0xff]))
        {
            InspectImage(path, output);
        }
        else if (start.Contains((byte)0))
        {
            throw new DataFormatException(path, "offset 0",
                $"expected a data file (IDX, CSV, sequence file, PNG/JPEG image, .npy array, .aeidx code index) or an image folder, found binary data starting {Convert.ToHexString(start[..Math.Min(8, length)])}.");
        }
        else if (FirstRowIsNumeric(path))
        {
            InspectSequences(path, settings, output);
        }
        else
        {
            InspectCsv(path, settings, output);
        }
    }

    private static void InspectIdx(string path, TextWriter output)
    {
        IdxArray array = IdxReader.Read(path);
        (double min, double max) = array.Range();
        output.WriteLine($"{path}");
        output.WriteLine($"  format        IDX ({(array.Compressed ? "gzip" : "raw")})");
        output.WriteLine($"  shape         {string.Join(" x ", array.Shape)}");
        output.WriteLine($"  element type  {array.DataType}");
        output.WriteLine($"  value range   {Number(min)} .. {Number(max)}");
        output.WriteLine($"  content       SHA-256 {array.ContentSha256} (of the decompressed IDX bytes)");
        (string? known, DatasetDescriptor? dataset) = CatalogMatch(path, array);
        if (known is not null)
        {
            output.WriteLine($"  catalog       {known}");
        }

        if (array.Shape.Count == 1 && array.DataType is not (IdxDataType.Float32 or IdxDataType.Float64))
        {
            IReadOnlyDictionary<long, long> counts = array.LabelCounts();
            output.WriteLine($"  labels        {counts.Count} distinct values in {array.Count} items");

            // Class names add something only where they are not the digits themselves (fashion-mnist, kmnist).
            bool named = dataset is not null && dataset.ClassNames.Where((n, i) => n != i.ToString(CultureInfo.InvariantCulture)).Any();
            WriteCounts(counts, named ? dataset!.ClassNames : null, output);
        }
        else if (array.Shape.Count == 3 && array.DataType == IdxDataType.UInt8)
        {
            output.WriteLine($"  loads as      [{array.Count}, 1, {array.Shape[1]}, {array.Shape[2]}] float32 in [0, 1]");
        }
    }

    private static (string? Text, DatasetDescriptor? Dataset) CatalogMatch(string path, IdxArray array)
    {
        string? fileSha = null;
        foreach (DatasetDescriptor dataset in DatasetCatalog.Default.Datasets)
        {
            foreach (DatasetVariant variant in dataset.Variants)
            {
                foreach (DatasetFile file in new[] { variant.Images, variant.Labels })
                {
                    if (file.ContentSha256 == array.ContentSha256)
                    {
                        return ($"{dataset.Name} {file.FileName} (verified by content SHA-256)", dataset);
                    }

                    fileSha ??= DatasetLocator.Sha256(path);
                    if (file.Sha256 == fileSha)
                    {
                        return ($"{dataset.Name} {file.FileName} (verified by file SHA-256)", dataset);
                    }
                }
            }
        }

        return (null, null);
    }

    private static void InspectCsv(string path, InspectSettings settings, TextWriter output)
    {
        string? label = settings.LabelColumn;
        bool guessed = false;
        if (label is null)
        {
            label = CsvTable.ReadHeader(path).FirstOrDefault(c =>
                GuessedLabelColumns.Contains(c, StringComparer.OrdinalIgnoreCase) && !settings.IgnoredColumns.Contains(c, StringComparer.Ordinal));
            guessed = label is not null;
        }

        CsvTable table = CsvTable.Read(path, new CsvOptions { LabelColumn = label, IgnoredColumns = settings.IgnoredColumns });
        output.WriteLine($"{path}");
        output.WriteLine($"  format        CSV table ({DelimiterName(table.Delimiter)}-separated, header row)");
        output.WriteLine($"  shape         {table.RowCount} rows x {table.ColumnCount} numeric columns");
        output.WriteLine($"  element type  float32 (loads as [{table.RowCount}, {table.ColumnCount}])");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in table.Values.Span)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        output.WriteLine($"  value range   {Number(min)} .. {Number(max)}");
        if (settings.IgnoredColumns.Count > 0)
        {
            output.WriteLine($"  ignored       {string.Join(", ", settings.IgnoredColumns)}");
        }

        int shown = Math.Min(table.ColumnCount, 20);
        int width = table.ColumnNames.Take(shown).Max(n => n.Length);
        output.WriteLine("  columns");
        for (int c = 0; c < shown; c++)
        {
            (float lo, float hi) = table.ColumnRange(c);
            output.WriteLine($"    {table.ColumnNames[c].PadRight(width)}  {Number(lo)} .. {Number(hi)}");
        }

        if (table.ColumnCount > shown)
        {
            output.WriteLine($"    ... and {table.ColumnCount - shown} more");
        }

        if (table.Labels is null)
        {
            output.WriteLine("  labels        none (no column named label, class, target or y; --label NAME picks one)");
            return;
        }

        output.WriteLine($"  labels        column '{table.LabelColumn}'{(guessed ? " (found by its name; --label NAME picks another)" : string.Empty)}, {table.ClassNames.Count} classes");
        WriteCounts(table.LabelCounts(), table.ClassNames, output);
    }

    private static void InspectSequences(string path, InspectSettings settings, TextWriter output)
    {
        SequenceTable table = SequenceTable.Read(path, new SequenceOptions { LabelFirst = settings.SequenceLabel, Channels = settings.Channels });
        (float min, float max) = table.Range();
        output.WriteLine($"{path}");
        output.WriteLine($"  format        sequence file (one series per row, {DelimiterName(table.Delimiter)}-separated{(settings.SequenceLabel ? ", label first as in the UCR archive; --no-label reads it as data" : ", no labels")})");
        output.WriteLine($"  shape         {table.Count} series x {table.Length} steps x {table.Channels} channel{(table.Channels == 1 ? string.Empty : "s")}");
        output.WriteLine($"  element type  float32 (loads as [{table.Count}, {table.Length}, {table.Channels}])");
        output.WriteLine($"  value range   {Number(min)} .. {Number(max)}");
        if (table.Labels is not null)
        {
            output.WriteLine($"  labels        {table.ClassNames.Count} classes");
            WriteCounts(table.LabelCounts(), table.ClassNames, output);
        }
    }

    private static void InspectImage(string path, TextWriter output)
    {
        ImageFileInfo info = ImageFile.ReadInfo(path);
        float[] rgb = ImageFile.ReadPixels(path, info.Width, info.Height, 3);
        output.WriteLine($"{path}");
        output.WriteLine($"  format        {info.Format} image");
        output.WriteLine($"  shape         {info.Width} x {info.Height} pixels, {(info.IsGrey ? "grey" : "colour")}{(info.HasAlpha ? " with alpha (ignored)" : string.Empty)}");
        output.WriteLine($"  element type  8-bit channels (load as [1, H, W] grey or [3, H, W] RGB float32 in [0, 1])");
        output.WriteLine($"  value range   {Math.Round(rgb.Min() * 255)} .. {Math.Round(rgb.Max() * 255)}");
    }

    private static void InspectImageFolder(string path, TextWriter output)
    {
        ImageFolderListing listing = ImageFolder.Scan(path);
        var sizes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var formats = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int grey = 0;
        float min = 1, max = 0;
        foreach (string file in listing.Files)
        {
            ImageFileInfo info = ImageFile.ReadInfo(file);
            float[] rgb = ImageFile.ReadPixels(file, info.Width, info.Height, 3);
            min = Math.Min(min, rgb.Min());
            max = Math.Max(max, rgb.Max());
            string size = $"{info.Width}x{info.Height}";
            sizes[size] = sizes.GetValueOrDefault(size) + 1;
            formats[info.Format] = formats.GetValueOrDefault(info.Format) + 1;
            grey += info.IsGrey ? 1 : 0;
        }

        output.WriteLine($"{path}");
        output.WriteLine($"  format        image folder ({(listing.Labelled ? "one subfolder per class" : "flat, unlabelled")}): {string.Join(", ", formats.Select(f => $"{f.Value} {f.Key}"))}");
        output.WriteLine($"  shape         {listing.Files.Count} images; sizes {string.Join(", ", sizes.Select(s => $"{s.Key} ({s.Value})"))}");
        output.WriteLine($"  element type  8-bit channels, {grey} grey and {listing.Files.Count - grey} colour images (load as [N, C, H, W] float32 in [0, 1])");
        output.WriteLine($"  value range   {Math.Round(min * 255)} .. {Math.Round(max * 255)}");
        if (listing.Skipped.Count > 0)
        {
            output.WriteLine($"  skipped       {listing.Skipped.Count} files that are not .png/.jpg/.jpeg: {string.Join(", ", listing.Skipped.Take(5))}{(listing.Skipped.Count > 5 ? ", ..." : string.Empty)}");
        }

        if (listing.Labels is not null)
        {
            output.WriteLine($"  labels        {listing.ClassNames.Count} classes (subfolders)");
            WriteCounts(listing.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => (long)g.Count()), listing.ClassNames, output);
        }
    }

    internal static void WriteCounts(IReadOnlyDictionary<long, long> counts, IReadOnlyList<string>? names, TextWriter output)
    {
        string Name(long label) => names is not null && label >= 0 && label < names.Count ? $"{label} {names[(int)label]}" : $"{label}";
        int width = counts.Keys.Max(k => Name(k).Length);
        foreach ((long label, long count) in counts.OrderBy(p => p.Key))
        {
            output.WriteLine($"    {Name(label).PadRight(width)}  {count}");
        }
    }

    private static bool FirstRowIsNumeric(string path)
    {
        string line = FirstLines(path, 1);
        char delimiter = line.Contains(',', StringComparison.Ordinal) ? ',' : line.Contains(';', StringComparison.Ordinal) ? ';' : line.Contains('\t', StringComparison.Ordinal) ? '\t' : ' ';
        string[] cells = delimiter == ' '
            ? line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : line.Split(delimiter, StringSplitOptions.TrimEntries);
        return cells.Length > 0 && cells.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    private static string FirstLines(string path, int count) =>
        string.Join("\n", File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Take(count));

    private static string DelimiterName(char delimiter) => delimiter switch
    {
        ',' => "comma",
        ';' => "semicolon",
        '\t' => "tab",
        _ => "whitespace",
    };

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
