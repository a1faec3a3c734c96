using System.CommandLine;
using AutoEncoders.Applications.Anomaly;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The options `ae detect fit` adds for series: the input (--series, or --recording with --window and --stride)
/// and what only a sequence detector has (channels, time column, step-error aggregation, residual smoothing, input
/// noise, patience, neighbours). The options shared with tables (--kind, --score, --layers, --epochs, --batch-size,
/// --lr, --normal-class, --label-column, the thresholds) are read by the command itself. `ae sequence-anomaly fit`
/// uses the same options with its older name for the series input, --train.
/// </summary>
internal sealed class SequenceFitOptions(string seriesOption = "--series")
{
    private readonly Option<string?> _series = new(seriesOption) { Description = "Series to learn from, one per row, class label first (UCR archive layout); fits a sequence detector." };
    private readonly Option<string?> _recording = new("--recording") { Description = "One long recording, a CSV with a header and one column per channel, cut into sliding windows (--window, --stride); fits a sequence detector." };
    private readonly Option<int?> _channels = new("--channels") { Description = "Series: variables per time step (a row holds each channel's T values in turn; default 1)." };
    private readonly Option<int?> _window = new("--window") { Description = "Recording: steps per window (required with --recording)." };
    private readonly Option<int?> _stride = new("--stride") { Description = "Recording: steps between window starts (default: a quarter of the window)." };
    private readonly Option<string?> _timeColumn = new("--time-column") { Description = "Recording: the column holding the time index (not a channel; written beside each step's score)." };
    private readonly Option<StepErrorAggregation?> _aggregation = new("--aggregation") { Description = "Series: reconstruction score from step errors, mean (default) or max." };
    private readonly Option<int?> _smoothing = new("--smoothing") { Description = "Series: steps of the moving average over the residual before it is squared (1: none; default from the window)." };
    private readonly Option<double?> _noise = new("--noise") { Description = "Series: Gaussian noise of this standard deviation on the normalised training inputs (denoising; default 0)." };
    private readonly Option<int?> _patience = new("--patience") { Description = "Series: stop after this many epochs without a lower held-out loss (default 30; tables use 10)." };
    private readonly Option<int?> _neighbours = new("--neighbours") { Description = "Series: k of the latent-space score (default 5)." };

    private IEnumerable<Option> SeriesOnly => [_channels, _window, _stride, _timeColumn, _aggregation, _smoothing, _noise, _patience, _neighbours];

    public void AddTo(Command command)
    {
        command.Options.Add(_series);
        command.Options.Add(_recording);
        foreach (Option option in SeriesOnly)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>True when the fit is of series (--series or --recording given).</summary>
    public bool Given(ParseResult parse) => parse.GetValue(_series) is not null || parse.GetValue(_recording) is not null;

    /// <summary>Refuses a series-only option on a table or image fit, where it would silently do nothing.</summary>
    public void RefuseWithout(ParseResult parse)
    {
        foreach (Option option in SeriesOnly)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new ArgumentException($"{option.Name} applies to series (--series or --recording); tables and images do not use it.");
            }
        }
    }

    /// <summary>The input, with the recording's label column (the command's --label-column).</summary>
    public SequenceInput Input(ParseResult parse, string? labelColumn) =>
        new(_series.Name, parse.GetValue(_series), parse.GetValue(_recording), parse.GetValue(_channels) ?? 1, parse.GetValue(_window), parse.GetValue(_stride), parse.GetValue(_timeColumn), labelColumn);

    /// <summary><paramref name="options"/> with the series-only options given.</summary>
    public SequenceDetectorOptions Apply(ParseResult parse, SequenceDetectorOptions options) => options with
    {
        Aggregation = parse.GetValue(_aggregation) ?? options.Aggregation,
        Smoothing = parse.GetValue(_smoothing) ?? options.Smoothing,
        Noise = parse.GetValue(_noise) ?? options.Noise,
        Patience = parse.GetValue(_patience) ?? options.Patience,
        Neighbours = parse.GetValue(_neighbours) ?? options.Neighbours,
    };
}
