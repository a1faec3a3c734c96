namespace AutoEncoders.Cli.Commands;

/// <summary>
/// Where a sequence detector's training data comes from: series per row (UCR layout, label first) or one long
/// recording (a CSV with one column per channel) cut into windows of <see cref="Window"/> steps every
/// <see cref="Stride"/> steps.
/// </summary>
/// <param name="SeriesOption">The option naming series per row in messages (--series, or --train for the alias).</param>
internal sealed record SequenceInput(string SeriesOption, string? SeriesPath, string? RecordingPath, int Channels, int? Window, int? Stride, string? TimeColumn, string? LabelColumn);
