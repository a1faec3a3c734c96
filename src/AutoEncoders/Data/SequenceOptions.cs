namespace AutoEncoders.Data;

/// <summary>How to read a sequence file (UCR time-series archive style: one series per row).</summary>
public sealed record SequenceOptions
{
    /// <summary>Whether each row starts with a class label, as in the UCR archive (the default).</summary>
    public bool LabelFirst { get; init; } = true;

    /// <summary>
    /// Number of variables per time step (F). A row holds the channels one after another: all T values of the
    /// first channel, then all T values of the second, and so on.
    /// </summary>
    public int Channels { get; init; } = 1;

    /// <summary>',', '\t', or ' ' for runs of whitespace; null detects it from the first row (',' if present, else tab, else whitespace).</summary>
    public char? Delimiter { get; init; }

    /// <summary>The classes, in label order; null derives them from the file (see <see cref="CsvOptions.ClassNames"/>).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
