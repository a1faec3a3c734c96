using System.CommandLine;
using System.Globalization;
using System.Text;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// Fitting and scoring a sequence detector folder, shared by `ae detect fit|score --series|--recording` and its
/// alias `ae sequence-anomaly fit|score`: the commands parse their options into these calls and print nothing else.
/// </summary>
internal static class SequenceAnomalyWorkflow
{
    /// <summary>
    /// Reads the training input, trains the detector on its normal series (all of them when
    /// <paramref name="unsupervised"/>), sets the threshold by <paramref name="thresholds"/> and writes the folder;
    /// with <paramref name="testPath"/> also evaluates on labelled data in the same layout.
    /// </summary>
    public static void Fit(TextWriter stdout, ParseResult parse, SequenceInput input, SequenceDetectorOptions options, string? normal, bool unsupervised,
        ThresholdOptions thresholds, string directory, string? testPath = null, string? scoresPath = null)
    {
        thresholds.Validate(parse);
        options.Validate();
        DetectorFolder.CheckWritable(directory);

        // Everything the user gave is read and checked before training, so bad input writes nothing.
        (SequenceAnomalyData data, Func<string, SequenceAnomalyData> readTest, SequenceDetectorFile layout) = Read(input, normal, unsupervised);
        SequenceAnomalyData? testData = testPath is not null ? readTest(testPath) : null;
        bool[]? testAnomalies = testData?.Anomalies(normal);
        if (scoresPath is not null && testData is null)
        {
            throw new ArgumentException("--scores writes the scores of --test; give --test FILE, or score later with `ae detect score`.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor trainSeries = unsupervised || data.IsNormal is null
            ? data.Series
            : data.Series.index_select(0, torch.tensor(Enumerable.Range(0, data.IsNormal.Length).Where(i => data.IsNormal[i]).Select(i => (long)i).ToArray()));
        string which = unsupervised ? "all (unsupervised)" : data.IsNormal is null ? "all (assumed normal)" : $"normal (class {normal})";
        stdout.WriteLine($"data     {data.Path}: {data.Series.shape[0]} {data.Noun} of {data.Series.shape[1]} steps x {data.Series.shape[2]} channel(s); training on {trainSeries.shape[0]}, {which}");
        SequenceDetectorFit fit = SequenceAnomalyDetector.Train(trainSeries, options, ProgressMode.Lines);
        using SequenceAnomalyDetector detector = fit.Detector;
        SequenceDetectorOptions used = fit.Options;
        EpochRecord? best = fit.History.Epochs.MinBy(e => e.Monitored);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model    {used.Kind} hidden {used.HiddenSize}, code {used.CodeSize}; {detector.Model.ParameterCount:N0} parameters; batch {used.BatchSize}; {fit.History.Epochs.Count} of at most {used.Epochs} epochs, best held-out loss {best?.Monitored:G4} at epoch {best?.Epoch}"));

        ChosenThreshold threshold = thresholds.Choose(parse, fit.TrainingScores, fit.HeldOutScores, unsupervised);
        detector.Threshold = threshold.Value;
        stdout.WriteLine($"threshold {threshold}");
        stdout.WriteLine($"score    {used.Score}{(used.Score == SequenceScore.Reconstruction ? "" : $", k = {used.Neighbours}")}{(used.Smoothing > 1 ? $"; residual smoothed over {used.Smoothing} steps" : "")}");

        if (testData is not null)
        {
            Report(stdout, detector, testData, testAnomalies, scoresPath, trainSeries);
        }

        SequenceDetectorFile settings = layout with
        {
            Rule = threshold.Rule,
            NormalClass = unsupervised ? null : normal,
        };
        DetectorFolder.Write(directory, dir => detector.Save(dir, detector.Describe() with
        {
            Input = settings.Input,
            Stride = settings.Stride,
            ChannelNames = settings.ChannelNames,
            TimeColumn = settings.TimeColumn,
            LabelColumn = settings.LabelColumn,
            NormalClass = settings.NormalClass,
            Rule = settings.Rule,
        }, fit.History));
        stdout.WriteLine($"saved    {directory}");
    }

    /// <summary>
    /// Scores <paramref name="path"/> (series per row, or a recording, as the folder was fitted) with the detector in
    /// <paramref name="folder"/>; evaluates when it has labels; writes the per-item and per-window scores when asked.
    /// </summary>
    public static void Score(TextWriter stdout, string folder, string path, string? scoresPath, string? windowScoresPath)
    {
        (SequenceAnomalyDetector detector, SequenceDetectorFile settings) = SequenceAnomalyDetector.Load(folder);
        using (detector)
        {
            SequenceAnomalyData data = settings.Input == "recording"
                ? SequenceAnomalyData.ReadRecording(path, settings.Length, settings.Stride ?? 1, settings.TimeColumn, LabelIfPresent(path, settings.LabelColumn), settings.NormalClass, settings.ChannelNames)
                : SequenceAnomalyData.ReadSeries(path, settings.Channels, settings.NormalClass, "--test", settings.Length);
            bool[]? anomalies = data.Anomalies(settings.NormalClass);
            if (windowScoresPath is not null && data.Windows is null)
            {
                throw new ArgumentException($"--window-scores: {folder} scores series, not windows of a recording; use --scores.");
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detector {folder}: {settings.Kind}, {settings.Length} steps x {settings.Channels} channel(s), score {settings.Score}; threshold {settings.Threshold:G5} ({settings.Rule})"));
            (double[] itemScores, double[] windowValues) = ItemScores(detector, data);
            stdout.WriteLine($"scored   {data.Series.shape[0]} {data.Noun}{(data.Windows is null ? "" : $" over {data.Windows.Length} steps")}; {itemScores.Count(s => s > settings.Threshold)} {(data.Windows is null ? data.Noun : "steps")} above the threshold");
            if (anomalies is not null)
            {
                stdout.WriteLine($"labels   {anomalies.Count(a => a)} anomalies, {anomalies.Count(a => !a)} normal{(data.Windows is null ? "" : " steps")}");
                stdout.WriteLine($"result   {detector.EvaluateScores(itemScores, anomalies)}");
            }

            if (scoresPath is not null)
            {
                WriteScores(scoresPath, data, itemScores, anomalies, settings.Threshold);
                stdout.WriteLine($"wrote    {scoresPath}");
            }

            if (windowScoresPath is not null)
            {
                var csv = new StringBuilder("window,first_step,last_step,score,flagged\n");
                for (int w = 0; w < windowValues.Length; w++)
                {
                    int first = data.Windows!.Starts[w];
                    csv.Append(CultureInfo.InvariantCulture, $"{w},{first},{first + data.Windows.Window - 1},{windowValues[w]:R},{(windowValues[w] > settings.Threshold ? 1 : 0)}\n");
                }

                AtomicFile.WriteAllText(windowScoresPath, csv.ToString());
                stdout.WriteLine($"wrote    {windowScoresPath}");
            }
        }
    }

    // The training data and a reader for test data in the same layout, with the layout's part of the settings.
    private static (SequenceAnomalyData Data, Func<string, SequenceAnomalyData> ReadTest, SequenceDetectorFile Layout) Read(SequenceInput input, string? normal, bool unsupervised)
    {
        if ((input.SeriesPath is null) == (input.RecordingPath is null))
        {
            throw new ArgumentException($"Give either {input.SeriesOption} FILE (series per row) or --recording FILE.csv (one long series), not both or neither.");
        }

        if (input.SeriesPath is string seriesPath)
        {
            foreach ((string name, bool given) in new[] { ("--window", input.Window is not null), ("--stride", input.Stride is not null), ("--time-column", input.TimeColumn is not null), ("--label-column", input.LabelColumn is not null) })
            {
                if (given)
                {
                    throw new ArgumentException($"{name} applies to --recording; series per row are already windows (their label comes first).");
                }
            }

            if (normal is null && !unsupervised)
            {
                throw new ArgumentException("Give --normal-class C to train on the normal series only, or --unsupervised to train on all of them.");
            }

            int f = input.Channels;
            if (f < 1)
            {
                throw new ArgumentException($"--channels must be at least 1; found {f}.");
            }

            SequenceAnomalyData series = SequenceAnomalyData.ReadSeries(seriesPath, f, normal, "--train");
            int length = (int)series.Series.shape[1];
            return (series, path => SequenceAnomalyData.ReadSeries(path, f, normal, "--test", length), new SequenceDetectorFile { Input = "series" });
        }

        int w = input.Window ?? throw new ArgumentException("--recording needs --window STEPS: the length of the windows the detector learns.");
        int s = input.Stride ?? Math.Max(1, w / 4);
        if (w < 2 || s < 1)
        {
            throw new ArgumentException($"--window must be at least 2 and --stride at least 1; found {w} and {s}.");
        }

        string? label = input.LabelColumn;
        if ((label is null) != (normal is null) && !(unsupervised && normal is null))
        {
            throw new ArgumentException("With --recording, --label-column and --normal-class go together: the column and the label of its normal steps.");
        }

        string recordingPath = input.RecordingPath!;
        SequenceAnomalyData data = SequenceAnomalyData.ReadRecording(recordingPath, w, s, input.TimeColumn, label, normal);
        if (data.IsNormal is not null && !unsupervised && !data.IsNormal.Any(n => n))
        {
            throw new DataFormatException(recordingPath, $"column '{label}'", $"expected at least one window of {w} steps all labelled '{normal}' (normal) to train on, found none.");
        }

        IReadOnlyList<string> names = data.Recording!.ChannelNames;
        return (data, path => SequenceAnomalyData.ReadRecording(path, w, s, input.TimeColumn, LabelIfPresent(path, label), normal, names),
            new SequenceDetectorFile { Input = "recording", Stride = s, ChannelNames = names, TimeColumn = input.TimeColumn, LabelColumn = label });
    }

    // A recording to score may lack the label column: then it is scored without evaluation.
    private static string? LabelIfPresent(string path, string? labelColumn) =>
        labelColumn is not null && CsvTable.ReadHeader(path).Contains(labelColumn, StringComparer.Ordinal) ? labelColumn : null;

    // Per evaluated item (series, or recording step) its score, and the per-window scores of a recording.
    private static (double[] Items, double[] Windows) ItemScores(SequenceAnomalyDetector detector, SequenceAnomalyData data)
    {
        double[] windows = detector.Score(data.Series);
        return (data.Windows?.StepScores(windows) ?? windows, windows);
    }

    private static void Report(TextWriter stdout, SequenceAnomalyDetector detector, SequenceAnomalyData test, bool[]? anomalies, string? scoresPath, Tensor trainSeries)
    {
        (double[] itemScores, _) = ItemScores(detector, test);
        stdout.WriteLine($"test     {test.Path}: {test.Series.shape[0]} {test.Noun}{(anomalies is null ? ", unlabelled" : $", {anomalies.Count(a => a)} anomalies of {anomalies.Length}{(test.Windows is null ? "" : " steps")}")}");
        if (anomalies is not null)
        {
            stdout.WriteLine($"result   {detector.EvaluateScores(itemScores, anomalies)}");

            // The baselines (as `ae detect` reports them) see the same normalised training series and score the same test items.
            using var scope = torch.NewDisposeScope();
            foreach ((string name, double[] values) in BaselineScores.Compute(detector.Normalize(trainSeries), detector.Normalize(test.Series)))
            {
                double[] perItem = test.Windows?.StepScores(values) ?? values;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"baseline {name}: ROC-AUC {BinaryClassificationMetrics.RocAuc(perItem, anomalies):F3}, PR-AUC {BinaryClassificationMetrics.AveragePrecision(perItem, anomalies):F3}"));
            }
        }

        if (scoresPath is not null)
        {
            WriteScores(scoresPath, test, itemScores, anomalies, detector.Threshold!.Value);
            stdout.WriteLine($"wrote    {scoresPath}");
        }
    }

    // Series: index,score[,anomaly],flagged. Recording: step,time,score[,anomaly],flagged (time = the time column, else the step).
    private static void WriteScores(string path, SequenceAnomalyData data, double[] scores, bool[]? anomalies, double threshold)
    {
        var csv = new StringBuilder(data.Windows is null ? "index,score" : "step,time,score");
        csv.Append(anomalies is null ? ",flagged\n" : ",anomaly,flagged\n");
        for (int i = 0; i < scores.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},");
            if (data.Windows is not null)
            {
                csv.Append(Quote(data.Recording!.Time?[i] ?? i.ToString(CultureInfo.InvariantCulture))).Append(',');
            }

            csv.Append(CultureInfo.InvariantCulture, $"{scores[i]:R},");
            if (anomalies is not null)
            {
                csv.Append(anomalies[i] ? "1," : "0,");
            }

            csv.Append(scores[i] > threshold ? "1\n" : "0\n");
        }

        AtomicFile.WriteAllText(path, csv.ToString());
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") < 0 ? cell : $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
