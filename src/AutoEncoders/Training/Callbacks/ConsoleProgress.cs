using System.Globalization;
using System.Text;

namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Progress on a console: a live bar (epoch, batch, running loss terms, samples/s, ETA) redrawn at most ten
/// times a second when the output is a terminal, and one plain line per epoch otherwise (logs, CI).
/// </summary>
public sealed class ConsoleProgress : ITrainingCallback
{
    private const int BarWidth = 24;
    private readonly TextWriter _writer;
    private readonly bool _bar;
    private readonly System.Diagnostics.Stopwatch _sinceDraw = System.Diagnostics.Stopwatch.StartNew();
    private readonly System.Diagnostics.Stopwatch _epochClock = new();
    private readonly string _prefix;
    private int _totalEpochs;
    private int _lastLength;
    private int _epoch = -1;
    private long _firstBatch;

    /// <summary>Reports to <paramref name="writer"/> (the console by default); <paramref name="label"/> starts every line (e.g. "layer 2/3").</summary>
    public ConsoleProgress(TextWriter? writer = null, ProgressMode mode = ProgressMode.Auto, string? label = null)
    {
        _prefix = label is null ? string.Empty : $"{label} ";
        _writer = writer ?? Console.Out;
        _bar = mode == ProgressMode.Bar || (mode == ProgressMode.Auto && writer is null && !Console.IsOutputRedirected);
    }

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        _totalEpochs = trainer.Options.Epochs;
    }

    /// <inheritdoc />
    public void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        (int epoch, long batch, long batchesPerEpoch) = (progress.Epoch, progress.Batch, progress.BatchesPerEpoch);
        (IReadOnlyDictionary<string, double> runningMeans, double samplesPerSecond) = (progress.RunningMeans, progress.SamplesPerSecond);
        if (epoch != _epoch)
        {
            _epoch = epoch;
            _epochClock.Restart();
            _firstBatch = batch;
        }

        if (!_bar || (_sinceDraw.ElapsedMilliseconds < 100 && batch < batchesPerEpoch))
        {
            return;
        }

        _sinceDraw.Restart();
        int filled = (int)(BarWidth * batch / Math.Max(1, batchesPerEpoch));
        double perBatch = _epochClock.Elapsed.TotalSeconds / Math.Max(1, batch - _firstBatch + 1);
        var eta = TimeSpan.FromSeconds(Math.Round(perBatch * (batchesPerEpoch - batch)));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{_prefix}epoch {epoch}/{_totalEpochs} [");
        sb.Append('=', filled).Append(filled < BarWidth ? ">" : string.Empty).Append(' ', Math.Max(0, BarWidth - filled - 1));
        sb.Append(CultureInfo.InvariantCulture, $"] {batch}/{batchesPerEpoch} ");
        sb.Append(FormatMetrics(runningMeans, prefix: string.Empty));
        sb.Append(CultureInfo.InvariantCulture, $" | {samplesPerSecond:N0} samples/s | ETA {eta:m\\:ss}");
        Draw(sb.ToString());
    }

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        int totalEpochs = _totalEpochs;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{_prefix}epoch {record.Epoch}/{totalEpochs}  ");
        sb.Append(FormatMetrics(record.Train, prefix: string.Empty));
        if (record.Validation is not null)
        {
            sb.Append("  ").Append(FormatMetrics(record.Validation, prefix: "val_"));
        }

        sb.Append(CultureInfo.InvariantCulture, $"  lr {record.LearningRate:G3}  {record.Seconds:F1} s  {record.SamplesPerSecond:N0} samples/s");
        if (_bar)
        {
            Draw(string.Empty);
            _writer.Write('\r');
        }

        _writer.WriteLine(sb.ToString());
        _lastLength = 0;
    }

    /// <inheritdoc />
    public void OnTrainEnd(Trainer trainer, TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.StopReason is not null)
        {
            _writer.WriteLine(history.StopReason);
        }
    }

    private static string FormatMetrics(IReadOnlyDictionary<string, double> metrics, string prefix) =>
        string.Join("  ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{prefix}{m.Key} {m.Value:G5}")));

    private void Draw(string line)
    {
        string padded = line.Length < _lastLength ? line.PadRight(_lastLength) : line;
        _writer.Write('\r');
        _writer.Write(padded);
        _writer.Flush();
        _lastLength = line.Length;
    }
}
