using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Training;

/// <summary>Every metric of every epoch (Keras's History), saved as CSV and JSON next to a trained model.</summary>
public sealed class TrainingHistory
{
    /// <summary>Metric names: "loss" (the total) then each objective term.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>The epochs run so far, in order.</summary>
    public List<EpochRecord> Epochs { get; init; } = [];

    /// <summary>Why training ended early (early stopping, interruption), or null when it ran all epochs.</summary>
    public string? StopReason { get; set; }

    /// <summary>True when training was interrupted and a checkpoint can resume it.</summary>
    public bool Interrupted { get; set; }

    /// <summary>The last epoch, or null before the first.</summary>
    public EpochRecord? Last => Epochs.Count > 0 ? Epochs[^1] : null;

    /// <summary>Values of one metric per epoch ("loss", "val_loss", "mse", "val_mse", ...).</summary>
    public IReadOnlyList<double> Series(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        bool validation = metric.StartsWith("val_", StringComparison.Ordinal);
        string name = validation ? metric[4..] : metric;
        return Epochs
            .Select(e => (validation ? e.Validation : e.Train)?.GetValueOrDefault(name, double.NaN) ?? double.NaN)
            .ToList();
    }

    /// <summary>The history as CSV: epoch, learning_rate, seconds, samples_per_second, then train and val_ metrics.</summary>
    public string ToCsv()
    {
        bool hasValidation = Epochs.Any(e => e.Validation is not null);
        var sb = new StringBuilder();
        var header = new List<string> { "epoch", "learning_rate", "seconds", "samples_per_second" };
        header.AddRange(Metrics);
        if (hasValidation)
        {
            header.AddRange(Metrics.Select(m => $"val_{m}"));
        }

        sb.AppendLine(string.Join(',', header));
        foreach (EpochRecord e in Epochs)
        {
            var row = new List<string>
            {
                e.Epoch.ToString(CultureInfo.InvariantCulture),
                e.LearningRate.ToString("R", CultureInfo.InvariantCulture),
                e.Seconds.ToString("F3", CultureInfo.InvariantCulture),
                e.SamplesPerSecond.ToString("F1", CultureInfo.InvariantCulture),
            };
            row.AddRange(Metrics.Select(m => Format(e.Train.GetValueOrDefault(m, double.NaN))));
            if (hasValidation)
            {
                row.AddRange(Metrics.Select(m => Format(e.Validation?.GetValueOrDefault(m, double.NaN) ?? double.NaN)));
            }

            sb.AppendLine(string.Join(',', row));
        }

        return sb.ToString();
    }

    /// <summary>Writes history.csv and history.json into <paramref name="directory"/>, atomically.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "history.csv"), ToCsv());
        AtomicFile.WriteAllText(Path.Combine(directory, "history.json"), JsonSerializer.Serialize(this, JsonDefaults.Options));
    }

    /// <summary>Reads history.json from a model or run directory.</summary>
    public static TrainingHistory Load(string directory)
    {
        string path = Path.Combine(directory, "history.json");
        return JsonFile.Deserialize<TrainingHistory>(JsonFile.ReadText(path, "training history"), path);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
