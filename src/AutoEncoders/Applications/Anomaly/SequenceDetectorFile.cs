using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// sequence-detector.json in a detector folder (beside the model's model.json and weights.bin, and the training codes
/// in reference-codes.npy): the window, the normalisation, the score and the threshold, and how the fitted input was
/// read, so `ae sequence-anomaly score` can read new data the same way any time later.
/// </summary>
public sealed record SequenceDetectorFile
{
    /// <summary>The file's name in a detector folder.</summary>
    public const string FileName = "sequence-detector.json";

    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "autoencoders.sequence-detector";

    /// <summary>Marks the file.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>File version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The autoencoder's kind.</summary>
    public SequenceDetectorKind Kind { get; init; }

    /// <summary>Steps per series or window (T).</summary>
    public int Length { get; init; }

    /// <summary>Channels per step (F).</summary>
    public int Channels { get; init; }

    /// <summary>Per-channel mean subtracted before the model (training statistics).</summary>
    public IReadOnlyList<double> ChannelMean { get; init; } = [];

    /// <summary>Per-channel divisor after the mean (training standard deviation; 1 for a constant channel).</summary>
    public IReadOnlyList<double> ChannelScale { get; init; } = [];

    /// <summary>What a series is scored by.</summary>
    public SequenceScore Score { get; init; }

    /// <summary>Neighbours k of the latent-space score.</summary>
    public int Neighbours { get; init; } = 5;

    /// <summary>How per-step errors become the reconstruction score.</summary>
    public StepErrorAggregation Aggregation { get; init; }

    /// <summary>Steps of the moving average over the residual before it is squared (1, also for files written without it: none).</summary>
    public int Smoothing { get; init; } = 1;

    /// <summary>Median reconstruction score of the training series (the divisor in the combined score).</summary>
    public double ReconstructionScale { get; init; } = 1;

    /// <summary>Median latent-neighbour score of the training series (the divisor in the combined score).</summary>
    public double NeighbourScale { get; init; } = 1;

    /// <summary>Series scoring above it are flagged.</summary>
    public double Threshold { get; init; }

    /// <summary>The rule that set <see cref="Threshold"/>, in words.</summary>
    public string Rule { get; init; } = "";

    /// <summary>"series" (one series per row, UCR layout) or "recording" (one long CSV, one column per channel, cut into windows).</summary>
    public string Input { get; init; } = "series";

    /// <summary>Recording: steps between window starts.</summary>
    public int? Stride { get; init; }

    /// <summary>Recording: the channel columns, in order.</summary>
    public IReadOnlyList<string>? ChannelNames { get; init; }

    /// <summary>Recording: the column holding the time index (not a channel), if any.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The label column (recording) whose values mark normal steps, if any.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The label of normal series or steps; null when the detector was fitted unsupervised.</summary>
    public string? NormalClass { get; init; }

    /// <summary>Writes the file into <paramref name="directory"/>, atomically.</summary>
    public void Save(string directory) =>
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonDefaults.Options));

    /// <summary>Reads and checks the file of <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing, unreadable or not a sequence detector's.</exception>
    public static SequenceDetectorFile Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{directory} is not a sequence detector folder: {FileName} is missing (write one with `ae detect fit --series` or `--recording`).");
        }

        SequenceDetectorFile file = JsonFile.Deserialize<SequenceDetectorFile>(JsonFile.ReadText(path, "sequence detector"), path);
        if (file.Format != FormatName)
        {
            throw new InvalidDataException($"{path}: expected \"format\": \"{FormatName}\".");
        }

        if (file.Length < 1 || file.Channels < 1 || file.Smoothing < 1 || file.ChannelMean.Count != file.Channels || file.ChannelScale.Count != file.Channels)
        {
            throw new InvalidDataException($"{path}: expected a length, channel count and smoothing of at least 1 and one mean and scale per channel.");
        }

        return file;
    }
}
