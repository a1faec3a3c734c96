namespace AutoEncoders.Data;

/// <summary>How to read a CSV table: the delimiter, the label column and the columns to ignore.</summary>
public sealed record CsvOptions
{
    /// <summary>',', ';' or '\t'; null detects it from the header (the one of the three that occurs most often outside quotes).</summary>
    public char? Delimiter { get; init; }

    /// <summary>The column that holds class labels (numbers or names), or null when the table is unlabelled.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Columns that are read past (identifiers, timestamps, free text).</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>
    /// The classes, in label order, that label cells must name; null derives them from the table (sorted
    /// numerically when every label is an integer, else ordinally). Pass the training table's
    /// <see cref="CsvTable.ClassNames"/> when reading its validation or test table, so that labels map alike.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
