using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// A numeric table read from CSV: a header row naming the columns, then one item per row. Feature columns must hold
/// finite numbers (invariant culture: '.' decimal point); an optional label column may hold numbers or class names;
/// ignored columns are read past. Reading needs no libtorch; <see cref="ToDataset"/> makes the tensors.
/// </summary>
public sealed class CsvTable
{
    private readonly float[] _values;
    private readonly long[]? _labels;

    internal CsvTable(string path, IReadOnlyList<string> columnNames, float[] values, long[]? labels, IReadOnlyList<string> classNames, string? labelColumn, char delimiter)
    {
        Path = path;
        ColumnNames = columnNames;
        _values = values;
        _labels = labels;
        ClassNames = classNames;
        LabelColumn = labelColumn;
        Delimiter = delimiter;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Names of the feature columns, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of feature columns.</summary>
    public int ColumnCount => ColumnNames.Count;

    /// <summary>Number of rows (items).</summary>
    public int RowCount => _values.Length / Math.Max(1, ColumnCount);

    /// <summary>The feature values, row by row ([RowCount, ColumnCount] row-major).</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>Class index per row, or null when the table has no label column.</summary>
    public IReadOnlyList<long>? Labels => _labels;

    /// <summary>Class names, indexed by label; empty when unlabelled.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The label column's name, or null.</summary>
    public string? LabelColumn { get; }

    /// <summary>The delimiter the file was read with.</summary>
    public char Delimiter { get; }

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public float this[int row, int column] => _values[(row * ColumnCount) + column];

    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="DataFormatException">A cell, row or the header is not as expected; the message names the line, row and column.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, options);
    }

    /// <summary>Reads only the header row: the names of all columns, label and ignored ones included.</summary>
    /// <exception cref="DataFormatException">The file is empty, or its header leaves a column unnamed or names one twice.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<string> ReadHeader(string path, char? delimiter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadHeader(reader, path, delimiter).Header;
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">A cell, row or the header is not as expected.</exception>
    public static CsvTable Read(TextReader reader, string source, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvOptions();
        if (options.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The CSV delimiter cannot be a quote or a line break; found {(int)options.Delimiter.Value:X2}.", nameof(options));
        }

        (string[] header, CsvTokenizer tokenizer, int headerLine) = ReadHeader(reader, source, options.Delimiter);
        Layout layout = Layout.From(header, options, source, headerLine);
        var fields = new List<string>();
        var values = new List<float>();
        var labelCells = new List<string>();
        var labelLines = new List<(int Line, int Row)>();
        int row = 0;
        while (tokenizer.TryReadRecord(fields, out int line))
        {
            row++;
            string where = $"line {line} (row {row})";
            if (fields.Count != header.Length)
            {
                string detail = fields.Count < header.Length
                    ? $"missing {(header.Length - fields.Count == 1 ? "column" : "columns")} {string.Join(", ", header.Skip(fields.Count).Select(h => $"'{h}'"))}"
                    : $"{fields.Count - header.Length} more than the header names";
                throw new DataFormatException(source, where, $"expected {header.Length} cells as in the header, found {fields.Count} ({detail}).");
            }

            foreach (int column in layout.Features)
            {
                values.Add(ParseCell(fields[column], source, $"{where}, column '{header[column]}'"));
            }

            if (layout.Label is int label)
            {
                if (fields[label].Length == 0)
                {
                    throw new DataFormatException(source, $"{where}, column '{header[label]}'", "expected a class label, found an empty cell.");
                }

                labelCells.Add(fields[label]);
                labelLines.Add((line, row));
            }
        }

        if (row == 0)
        {
            throw new DataFormatException(source, $"line {headerLine + 1}", "expected data rows after the header, found none.");
        }

        long[]? labels = null;
        IReadOnlyList<string> classNames = [];
        if (layout.Label is int labelColumn)
        {
            (labels, classNames) = ClassLabels.Map(labelCells, options.ClassNames, source,
                i => $"line {labelLines[i].Line} (row {labelLines[i].Row}), column '{header[labelColumn]}'");
        }

        return new CsvTable(source, [.. layout.Features.Select(c => header[c])], [.. values], labels, classNames, options.LabelColumn, tokenizer.Delimiter);
    }

    /// <summary>The features as a float32 tensor [RowCount, ColumnCount], with int64 labels when the table has them.</summary>
    public TensorDataset ToDataset(string? name = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor features = torch.tensor(_values, [RowCount, ColumnCount], dtype: ScalarType.Float32);
        Tensor? labels = _labels is null ? null : torch.tensor(_labels, dtype: ScalarType.Int64);
        var dataset = new TensorDataset(features, labels, ClassNames, name ?? System.IO.Path.GetFileNameWithoutExtension(Path)) { SourcePath = Path };
        dataset.Features.MoveToOuterDisposeScope();
        dataset.Labels?.MoveToOuterDisposeScope();
        return dataset;
    }

    /// <summary>The values of one column.</summary>
    public float[] Column(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, ColumnCount);
        float[] result = new float[RowCount];
        for (int row = 0; row < result.Length; row++)
        {
            result[row] = _values[(row * ColumnCount) + column];
        }

        return result;
    }

    /// <summary>The smallest and largest value of one column.</summary>
    public (float Min, float Max) ColumnRange(int column)
    {
        float[] values = Column(column);
        return (values.Min(), values.Max());
    }

    /// <summary>Rows per class label, ascending by label (empty when unlabelled).</summary>
    public IReadOnlyDictionary<long, long> LabelCounts()
    {
        var counts = new SortedDictionary<long, long>();
        foreach (long label in _labels ?? [])
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        return counts;
    }

    /// <summary>A table of the same rows and labels with other values (and column names).</summary>
    internal CsvTable WithValues(IReadOnlyList<string> columnNames, float[] values) =>
        new(Path, columnNames, values, _labels, ClassNames, LabelColumn, Delimiter);

    private static (string[] Header, CsvTokenizer Tokenizer, int Line) ReadHeader(TextReader reader, string source, char? delimiter)
    {
        string? firstLine = reader.ReadLine();
        int lineNumber = 1;
        while (firstLine is not null && string.IsNullOrWhiteSpace(firstLine))
        {
            firstLine = reader.ReadLine();
            lineNumber++;
        }

        if (firstLine is null)
        {
            throw new DataFormatException(source, "line 1", "expected a header row naming the columns, found an empty file.");
        }

        var tokenizer = new CsvTokenizer(reader, source, delimiter ?? CsvTokenizer.DetectDelimiter(firstLine), firstLine + "\n", lineNumber);
        var fields = new List<string>();
        tokenizer.TryReadRecord(fields, out int line);
        string[] header = [.. fields];
        Layout.CheckNames(header, source, line);
        return (header, tokenizer, line);
    }

    private static float ParseCell(string cell, string source, string where)
    {
        if (cell.Length == 0)
        {
            throw new DataFormatException(source, where, "expected a number, found an empty cell.");
        }

        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new DataFormatException(source, where,
                $"expected a number (invariant culture, '.' as decimal point), found '{CsvTokenizer.Shorten(cell)}'; if the column is not a feature, make it the label column or an ignored column (ae inspect: --label or --ignore).");
        }

        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
        {
            throw new DataFormatException(source, where, $"expected a finite float32 number, found '{CsvTokenizer.Shorten(cell)}'.");
        }

        return (float)value;
    }

    /// <summary>Which header columns are features and which one is the label, checked against the options.</summary>
    private sealed record Layout(int[] Features, int? Label)
    {
        public static Dictionary<string, int> CheckNames(string[] header, string source, int line)
        {
            string where = $"line {line} (header)";
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                if (header[i].Length == 0)
                {
                    throw new DataFormatException(source, where, $"column {i + 1} has no name; every column needs one.");
                }

                if (!seen.TryAdd(header[i], i))
                {
                    throw new DataFormatException(source, where, $"column '{header[i]}' appears twice (columns {seen[header[i]] + 1} and {i + 1}).");
                }
            }

            return seen;
        }

        public static Layout From(string[] header, CsvOptions options, string source, int line)
        {
            string where = $"line {line} (header)";
            Dictionary<string, int> seen = CheckNames(header, source, line);

            string columns = string.Join(", ", header.Select(h => $"'{h}'"));
            int? label = null;
            if (options.LabelColumn is not null)
            {
                label = seen.TryGetValue(options.LabelColumn, out int l)
                    ? l
                    : throw new DataFormatException(source, where, $"expected the label column '{options.LabelColumn}', but the columns are {columns}.");
            }

            var ignored = new HashSet<int>();
            foreach (string name in options.IgnoredColumns)
            {
                ignored.Add(seen.TryGetValue(name, out int c)
                    ? c
                    : throw new DataFormatException(source, where, $"expected the ignored column '{name}', but the columns are {columns}."));
            }

            int[] features = [.. Enumerable.Range(0, header.Length).Where(i => i != label && !ignored.Contains(i))];
            if (features.Length == 0)
            {
                throw new DataFormatException(source, where, $"no feature columns remain once the label and ignored columns are set aside (columns: {columns}).");
            }

            return new Layout(features, label);
        }
    }
}
