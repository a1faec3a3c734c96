using System.Text;
using AutoEncoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// One long multichannel recording read from a CSV file: a header row, one row per time step, one column per channel;
/// optionally a time column (kept as text, the time index of the scores) and a label column (marks normal steps).
/// Cells must be finite numbers (<see cref="CsvTable"/>'s rules, which name the line and column of a bad one).
/// </summary>
public sealed class SeriesRecording
{
    private readonly CsvTable _table;

    private SeriesRecording(CsvTable table, string? timeColumn, IReadOnlyList<string>? time)
    {
        _table = table;
        TimeColumn = timeColumn;
        Time = time;
    }

    /// <summary>The file it was read from.</summary>
    public string Path => _table.Path;

    /// <summary>Time steps (rows).</summary>
    public int Length => _table.RowCount;

    /// <summary>The channel columns, in file order.</summary>
    public IReadOnlyList<string> ChannelNames => _table.ColumnNames;

    /// <summary>The time column's name, or null when the time index is the row number.</summary>
    public string? TimeColumn { get; }

    /// <summary>The time column's cells, one per step, or null.</summary>
    public IReadOnlyList<string>? Time { get; }

    /// <summary>The label column's name, or null.</summary>
    public string? LabelColumn => _table.LabelColumn;

    /// <summary>Reads <paramref name="path"/>; <paramref name="timeColumn"/> and <paramref name="labelColumn"/> are not channels.</summary>
    /// <exception cref="DataFormatException">A cell is not a finite number, a named column is missing, or no channel is left.</exception>
    public static SeriesRecording Read(string path, string? timeColumn = null, string? labelColumn = null)
    {
        IReadOnlyList<string> header = CsvTable.ReadHeader(path);
        foreach (string? named in new[] { timeColumn, labelColumn })
        {
            if (named is not null && !header.Contains(named, StringComparer.Ordinal))
            {
                throw new DataFormatException(path, "header", $"expected a column '{named}', found {string.Join(", ", header.Select(h => $"'{h}'"))}.");
            }
        }

        CsvTable table = CsvTable.Read(path, new CsvOptions { LabelColumn = labelColumn, IgnoredColumns = timeColumn is null ? [] : [timeColumn] });
        if (table.ColumnCount == 0)
        {
            throw new DataFormatException(path, "header", "expected at least one channel column besides the time and label columns.");
        }

        return new SeriesRecording(table, timeColumn, timeColumn is null ? null : ReadColumn(path, header.ToList().IndexOf(timeColumn)));
    }

    /// <summary>The values [T, F] as float32.</summary>
    public Tensor ToTensor()
    {
        using TensorDataset data = _table.ToDataset();
        return data.Features.clone();
    }

    /// <summary>Per step, true when its label is <paramref name="normalClass"/>.</summary>
    /// <exception cref="InvalidOperationException">The recording has no label column.</exception>
    public bool[] IsClass(string normalClass)
    {
        IReadOnlyList<long> labels = _table.Labels ?? throw new InvalidOperationException($"{Path}: the recording has no label column.");
        long index = _table.ClassNames.ToList().IndexOf(normalClass);
        return [.. labels.Select(l => l == index)];
    }

    /// <summary>The distinct labels of the label column, in label order (empty without one).</summary>
    public IReadOnlyList<string> ClassNames => _table.ClassNames;

    // The time column's cells as text: CsvTable keeps only numbers, and a time index is often a timestamp.
    private static string[] ReadColumn(string path, int column)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? headerLine = reader.ReadLine();
        int line = 1;
        while (headerLine is not null && string.IsNullOrWhiteSpace(headerLine))
        {
            headerLine = reader.ReadLine();
            line++;
        }

        var tokenizer = new CsvTokenizer(reader, path, CsvTokenizer.DetectDelimiter(headerLine ?? ""), firstLine: line + 1);
        var fields = new List<string>();
        var cells = new List<string>();
        while (tokenizer.TryReadRecord(fields, out _))
        {
            cells.Add(fields[column]);
        }

        return [.. cells];
    }
}
