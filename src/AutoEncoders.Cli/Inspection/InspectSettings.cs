namespace AutoEncoders.Cli.Inspection;

/// <summary>What `ae inspect` was told about a text file's columns.</summary>
/// <param name="LabelColumn">The CSV label column; null guesses it by name (label, class, target, y).</param>
/// <param name="IgnoredColumns">CSV columns to read past.</param>
/// <param name="SequenceLabel">Whether a sequence file's rows start with a label (UCR layout).</param>
/// <param name="Channels">Channels per time step in a sequence file.</param>
internal sealed record InspectSettings(string? LabelColumn, IReadOnlyList<string> IgnoredColumns, bool SequenceLabel, int Channels);
