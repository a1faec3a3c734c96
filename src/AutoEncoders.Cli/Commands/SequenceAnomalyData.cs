using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The data of `ae sequence-anomaly`: equal-length series, one per row (UCR layout, label first), or one long
/// recording (CSV, one column per channel) cut into sliding windows. Either way the model sees series [N, T, F]; a
/// recording's window scores are also spread back onto its time steps.
/// </summary>
internal sealed class SequenceAnomalyData
{
    private SequenceAnomalyData(string path, Tensor series, bool[]? isNormal, SeriesRecording? recording, SlidingWindows? windows, bool[]? stepIsNormal)
    {
        Path = path;
        Series = series;
        IsNormal = isNormal;
        Recording = recording;
        Windows = windows;
        StepIsNormal = stepIsNormal;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The series or windows [N, T, F], raw values.</summary>
    public Tensor Series { get; }

    /// <summary>Per series (or window: all its steps normal), whether it is normal; null without labels or a normal class.</summary>
    public bool[]? IsNormal { get; }

    /// <summary>The recording, or null for series per row.</summary>
    public SeriesRecording? Recording { get; }

    /// <summary>The windows over the recording, or null.</summary>
    public SlidingWindows? Windows { get; }

    /// <summary>Recording: per step, whether its label is the normal class; null without labels.</summary>
    public bool[]? StepIsNormal { get; }

    /// <summary>What one item is called in messages.</summary>
    public string Noun => Recording is null ? "series" : "windows";

    /// <summary>Reads series per row; <paramref name="normalClass"/> marks normal rows (null: none marked).</summary>
    public static SequenceAnomalyData ReadSeries(string path, int channels, string? normalClass, string option, int? expectedLength = null)
    {
        SequenceTable table = SequenceTable.Read(path, new SequenceOptions { Channels = channels });
        if (expectedLength is int length && (table.Length != length || table.Channels != channels))
        {
            throw new DataFormatException(path, "line 1",
                $"expected series of {length} steps x {channels} channel(s) like the detector's window, found {table.Length} x {table.Channels}; cut or resample them to {length} steps.");
        }

        bool[]? isNormal = null;
        if (normalClass is not null)
        {
            int normalIndex = table.ClassNames.ToList().IndexOf(normalClass);
            if (normalIndex < 0 && option == "--train")
            {
                throw new ArgumentException($"--normal-class {normalClass}: no series in {path} has that label; its labels are {string.Join(", ", table.ClassNames)}.");
            }

            isNormal = [.. table.Labels!.Select(l => l == normalIndex)];
        }

        using TensorDataset data = table.ToDataset();
        return new SequenceAnomalyData(path, data.Features.clone(), isNormal, null, null, null);
    }

    /// <summary>Reads a recording and cuts it into windows; <paramref name="normalClass"/> with a label column marks normal steps.</summary>
    public static SequenceAnomalyData ReadRecording(string path, int window, int stride, string? timeColumn, string? labelColumn, string? normalClass, IReadOnlyList<string>? expectedChannels = null)
    {
        SeriesRecording recording = SeriesRecording.Read(path, timeColumn, labelColumn);
        if (expectedChannels is not null && !recording.ChannelNames.SequenceEqual(expectedChannels, StringComparer.Ordinal))
        {
            throw new DataFormatException(path, "header",
                $"expected the channel columns {string.Join(", ", expectedChannels.Select(c => $"'{c}'"))} the detector was fitted on, found {string.Join(", ", recording.ChannelNames.Select(c => $"'{c}'"))}.");
        }

        SlidingWindows windows;
        try
        {
            windows = new SlidingWindows(recording.Length, window, stride);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(path, $"{recording.Length} rows", e.Message);
        }

        bool[]? stepIsNormal = labelColumn is not null && normalClass is not null ? recording.IsClass(normalClass) : null;
        bool[]? isNormal = stepIsNormal is null ? null : [.. windows.AnyPerWindow([.. stepIsNormal.Select(n => !n)]).Select(a => !a)];
        using Tensor values = recording.ToTensor();
        return new SequenceAnomalyData(path, windows.Slice(values), isNormal, recording, windows, stepIsNormal);
    }

    /// <summary>Per item to evaluate, whether it is an anomaly (steps for a recording), refusing labels of one class.</summary>
    public bool[]? Anomalies(string? normalClass)
    {
        bool[]? normal = Recording is null ? IsNormal : StepIsNormal;
        if (normal is null)
        {
            return null;
        }

        if (normal.All(n => n) || normal.All(n => !n))
        {
            string where = Recording is null ? "column 1 (labels)" : $"column '{Recording.LabelColumn}'";
            string only = normal[0] ? $"only the normal class '{normalClass}'" : $"no '{normalClass}' (normal) label";
            throw new DataFormatException(Path, where, $"expected normal and anomalous labels to evaluate (ROC-AUC needs both), found {only}.");
        }

        return [.. normal.Select(n => !n)];
    }
}
