using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// Equal-length series read from a text file with one series per row (the UCR time-series archive's layout: an
/// optional leading class label, then the values), held as [N, T, F] float32 values. Reading needs no libtorch;
/// <see cref="ToDataset"/> makes the tensors.
/// </summary>
public sealed class SequenceTable
{
    private readonly float[] _values;
    private readonly long[]? _labels;

    private SequenceTable(string path, float[] values, int count, int length, int channels, long[]? labels, IReadOnlyList<string> classNames, char delimiter)
    {
        Path = path;
        _values = values;
        Count = count;
        Length = length;
        Channels = channels;
        _labels = labels;
        ClassNames = classNames;
        Delimiter = delimiter;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Number of series (N).</summary>
    public int Count { get; }

    /// <summary>Time steps per series (T).</summary>
    public int Length { get; }

    /// <summary>Variables per time step (F).</summary>
    public int Channels { get; }

    /// <summary>The values, [N, T, F] row-major.</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>Class index per series, or null when the rows have no label.</summary>
    public IReadOnlyList<long>? Labels => _labels;

    /// <summary>Class names, indexed by label; empty when unlabelled.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The delimiter the file was read with (' ' for runs of whitespace).</summary>
    public char Delimiter { get; }

    /// <summary>The value of series <paramref name="series"/> at <paramref name="step"/>, <paramref name="channel"/>.</summary>
    public float this[int series, int step, int channel = 0] => _values[(((series * Length) + step) * Channels) + channel];

    /// <summary>Reads a sequence file.</summary>
    /// <exception cref="DataFormatException">A value is not a number, or rows differ in length; the message names the line, series and column.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SequenceTable Read(string path, SequenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SequenceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Channels, 1);
        InputFile.Require(path);

        char? delimiter = options.Delimiter;
        int firstValue = options.LabelFirst ? 1 : 0;
        int length = -1;
        var values = new List<float>();
        var labelCells = new List<string>();
        var labelLines = new List<(int Line, int Series)>();
        int lineNumber = 0, series = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            series++;
            delimiter ??= line.Contains(',', StringComparison.Ordinal) ? ',' : line.Contains('\t', StringComparison.Ordinal) ? '\t' : ' ';
            string[] cells = delimiter == ' '
                ? line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                : line.Split(delimiter.Value, StringSplitOptions.TrimEntries);
            string where = $"line {lineNumber} (series {series})";
            int valueCount = cells.Length - firstValue;
            if (valueCount < 1)
            {
                throw new DataFormatException(path, where, $"expected {(options.LabelFirst ? "a label and " : string.Empty)}at least one value, found {cells.Length} cells.");
            }

            if (valueCount % options.Channels != 0)
            {
                throw new DataFormatException(path, where,
                    $"expected the values of {options.Channels} channels of equal length (a multiple of {options.Channels}), found {valueCount} values.");
            }

            int steps = valueCount / options.Channels;
            if (length < 0)
            {
                length = steps;
            }
            else if (steps != length)
            {
                throw new DataFormatException(path, where,
                    $"expected {length} time steps like the first series, found {steps}; series must have equal lengths (resample or pad them first).");
            }

            // Values arrive channel by channel; they are stored step by step ([T, F]).
            int offset = values.Count;
            values.AddRange(new float[valueCount]);
            for (int i = 0; i < valueCount; i++)
            {
                int channel = i / steps, step = i % steps;
                values[offset + (step * options.Channels) + channel] = ParseValue(cells[firstValue + i], path, where, firstValue + i + 1, channel, step, options.Channels);
            }

            if (options.LabelFirst)
            {
                if (cells[0].Length == 0)
                {
                    throw new DataFormatException(path, $"{where}, column 1", "expected a class label, found an empty cell.");
                }

                labelCells.Add(cells[0]);
                labelLines.Add((lineNumber, series));
            }
        }

        if (series == 0)
        {
            throw new DataFormatException(path, "line 1", "expected one series per row, found no rows.");
        }

        long[]? labels = null;
        IReadOnlyList<string> classNames = [];
        if (options.LabelFirst)
        {
            (labels, classNames) = ClassLabels.Map(labelCells, options.ClassNames, path,
                i => $"line {labelLines[i].Line} (series {labelLines[i].Series}), column 1");
        }

        return new SequenceTable(path, [.. values], series, length, options.Channels, labels, classNames, delimiter ?? ',');
    }

    /// <summary>The series as a float32 tensor [N, T, F], with int64 labels when the rows have them.</summary>
    public TensorDataset ToDataset(string? name = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor features = torch.tensor(_values, [Count, Length, Channels], dtype: ScalarType.Float32);
        Tensor? labels = _labels is null ? null : torch.tensor(_labels, dtype: ScalarType.Int64);
        var dataset = new TensorDataset(features, labels, ClassNames, name ?? System.IO.Path.GetFileNameWithoutExtension(Path)) { SourcePath = Path };
        dataset.Features.MoveToOuterDisposeScope();
        dataset.Labels?.MoveToOuterDisposeScope();
        return dataset;
    }

    /// <summary>The smallest and largest value.</summary>
    public (float Min, float Max) Range() => (_values.Min(), _values.Max());

    /// <summary>Series per class label, ascending by label (empty when unlabelled).</summary>
    public IReadOnlyDictionary<long, long> LabelCounts()
    {
        var counts = new SortedDictionary<long, long>();
        foreach (long label in _labels ?? [])
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        return counts;
    }

    private static float ParseValue(string cell, string path, string where, int column, int channel, int step, int channels)
    {
        string at = channels == 1 ? $"{where}, column {column} (step {step + 1})" : $"{where}, column {column} (channel {channel + 1}, step {step + 1})";
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new DataFormatException(path, at, $"expected a number, found '{CsvTokenizer.Shorten(cell)}'.");
        }

        if (double.IsNaN(value))
        {
            throw new DataFormatException(path, at,
                "found NaN: the UCR archive pads shorter series with NaN, and series of unequal length are not supported; resample them to one length first.");
        }

        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
        {
            throw new DataFormatException(path, at, $"expected a finite float32 number, found '{CsvTokenizer.Shorten(cell)}'.");
        }

        return (float)value;
    }
}
