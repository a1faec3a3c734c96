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
/// `ae sequence-anomaly fit|score`: anomaly detection on series (one per row, UCR layout) or on sliding windows of
/// one long multichannel recording. `fit` trains a detector on normal series (or, unsupervised, on all of them),
/// sets the threshold and writes a detector folder; `score` uses the folder any time later.
/// </summary>
internal static class SequenceAnomalyCommand
{
    public static Command Create()
    {
        var command = new Command("sequence-anomaly", "Anomaly detection on series or sliding windows of a recording: fit a detector folder, then score new data with it.");
        command.Subcommands.Add(Fit());
        command.Subcommands.Add(Score());
        return command;
    }

    private static Command Fit()
    {
        var common = new CommonOptions();
        var train = new Option<string?>("--train") { Description = "Series to learn from, one per row, class label first (UCR archive layout)." };
        var recording = new Option<string?>("--recording") { Description = "Instead: one long recording, a CSV with a header and one column per channel, cut into sliding windows." };
        var normalClass = new Option<string?>("--normal-class") { Description = "The label of normal series (or steps, with --label-column); only those are trained on unless --unsupervised." };
        var unsupervised = new Option<bool>("--unsupervised") { Description = "Train on every series or window (some may be anomalies); the threshold defaults to --contamination 0.1." };
        var channels = new Option<int>("--channels") { Description = "Series per row: variables per time step (a row holds each channel's T values in turn).", DefaultValueFactory = _ => 1 };
        var window = new Option<int?>("--window") { Description = "Recording: steps per window (required with --recording)." };
        var stride = new Option<int?>("--stride") { Description = "Recording: steps between window starts (default: a quarter of the window)." };
        var timeColumn = new Option<string?>("--time-column") { Description = "Recording: the column holding the time index (not a channel)." };
        var labelColumn = new Option<string?>("--label-column") { Description = "Recording: the column marking each step's class (not a channel); see --normal-class." };
        var kind = new Option<SequenceDetectorKind>("--kind") { Description = "dense (on the flattened window), lstm or gru.", DefaultValueFactory = _ => SequenceDetectorKind.Dense };
        var score = new Option<SequenceScore>("--score") { Description = "reconstruction, neighbours (distance to the k nearest training codes) or combined.", DefaultValueFactory = _ => SequenceScore.Reconstruction };
        var neighbours = new Option<int>("--neighbours") { Description = "k of the latent-space score.", DefaultValueFactory = _ => 5 };
        var aggregation = new Option<StepErrorAggregation>("--aggregation") { Description = "Reconstruction score from step errors: mean or max.", DefaultValueFactory = _ => StepErrorAggregation.Mean };
        var smoothing = new Option<int?>("--smoothing") { Description = "Steps of the moving average over the residual before it is squared (1: none; default from the window)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units (default from the window: dense clamp(L/2, 16, 256), recurrent clamp(8F, 32, 128))." };
        var codeSize = new Option<int?>("--code-size") { Description = "Code size (default clamp(L/8, 4, 32) for L = steps x channels)." };
        var epochs = new Option<int?>("--epochs") { Description = "Most passes (default: enough for 3,000 optimiser steps, 1,000 recurrent; early stopping usually ends sooner)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Series per mini-batch (default clamp(N/8, 8, 256))." };
        var noise = new Option<double>("--noise") { Description = "Denoising: Gaussian noise of this standard deviation on the normalised training inputs (0: none)." };
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var patience = new Option<int>("--patience") { Description = "Stop after this many epochs without a lower held-out loss (the best weights are kept).", DefaultValueFactory = _ => 30 };
        var holdOut = new ThresholdHoldOut("Share of the training series held out for early stopping and the threshold.");
        var thresholds = new ThresholdOptions();
        var output = new Option<string>("--out", "-o") { Description = "The detector folder to write (model, sequence-detector.json, reference-codes.npy).", Required = true };
        var test = new Option<string?>("--test") { Description = "Labelled data in the training layout to evaluate on, beside PCA and k-NN baselines." };
        var scores = new Option<string?>("--scores") { Description = "With --test: write each series' (or time step's) score to this CSV." };
        var command = new Command("fit", "Train a sequence detector (dense, LSTM or GRU autoencoder), set its threshold and write the detector folder.")
        {
            train, recording, normalClass, unsupervised, channels, window, stride, timeColumn, labelColumn, kind, score, neighbours, aggregation,
            smoothing, hidden, codeSize, epochs, batchSize, noise, learningRate, patience, holdOut.Fraction, output, test, scores,
        };
        thresholds.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 1);
            thresholds.Validate(parse);
            string directory = parse.GetValue(output)!;
            string? normal = parse.GetValue(normalClass);
            bool isUnsupervised = parse.GetValue(unsupervised);
            var options = new SequenceDetectorOptions
            {
                Kind = parse.GetValue(kind),
                Score = parse.GetValue(score),
                Neighbours = parse.GetValue(neighbours),
                Aggregation = parse.GetValue(aggregation),
                Smoothing = parse.GetValue(smoothing),
                HiddenSize = parse.GetValue(hidden),
                CodeSize = parse.GetValue(codeSize),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                Noise = parse.GetValue(noise),
                LearningRate = parse.GetValue(learningRate),
                Patience = parse.GetValue(patience),
                ValidationFraction = holdOut.Read(parse),
                Seed = parse.GetValue(common.Seed) ?? 1,
            };
            options.Validate();
            CheckWritable(directory);

            // Everything the user gave is read and checked before training, so bad input writes nothing.
            (SequenceAnomalyData data, Func<string, SequenceAnomalyData> readTest, SequenceDetectorFile layout) = Input(parse, train, recording, channels, window, stride, timeColumn, labelColumn, normal, isUnsupervised);
            SequenceAnomalyData? testData = parse.GetValue(test) is string testPath ? readTest(testPath) : null;
            bool[]? testAnomalies = testData?.Anomalies(normal);
            if (parse.GetValue(scores) is not null && testData is null)
            {
                throw new ArgumentException("--scores writes the scores of --test; give --test FILE, or score later with `ae sequence-anomaly score`.");
            }

            using var scope = torch.NewDisposeScope();
            Tensor trainSeries = isUnsupervised || data.IsNormal is null
                ? data.Series
                : data.Series.index_select(0, torch.tensor(Enumerable.Range(0, data.IsNormal.Length).Where(i => data.IsNormal[i]).Select(i => (long)i).ToArray()));
            string which = isUnsupervised ? "all (unsupervised)" : data.IsNormal is null ? "all (assumed normal)" : $"normal (class {normal})";
            stdout.WriteLine($"data     {data.Path}: {data.Series.shape[0]} {data.Noun} of {data.Series.shape[1]} steps x {data.Series.shape[2]} channel(s); training on {trainSeries.shape[0]}, {which}");
            SequenceDetectorFit fit = SequenceAnomalyDetector.Train(trainSeries, options, ProgressMode.Lines);
            using SequenceAnomalyDetector detector = fit.Detector;
            SequenceDetectorOptions used = fit.Options;
            EpochRecord? best = fit.History.Epochs.MinBy(e => e.Monitored);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"model    {used.Kind} hidden {used.HiddenSize}, code {used.CodeSize}; {detector.Model.ParameterCount:N0} parameters; batch {used.BatchSize}; {fit.History.Epochs.Count} of at most {used.Epochs} epochs, best held-out loss {best?.Monitored:G4} at epoch {best?.Epoch}"));

            ChosenThreshold threshold = isUnsupervised && parse.GetValue(thresholds.Percentile) is null && parse.GetValue(thresholds.FalsePositiveRate) is null && parse.GetValue(thresholds.Contamination) is null
                ? AnomalyThreshold.Choose(fit.TrainingScores, fit.HeldOutScores, contamination: 0.1)
                : thresholds.Choose(parse, fit.TrainingScores, fit.HeldOutScores);
            detector.Threshold = threshold.Value;
            stdout.WriteLine($"threshold {threshold}");
            stdout.WriteLine($"score    {used.Score}{(used.Score == SequenceScore.Reconstruction ? "" : $", k = {used.Neighbours}")}{(used.Smoothing > 1 ? $"; residual smoothed over {used.Smoothing} steps" : "")}");

            if (testData is not null)
            {
                Report(stdout, detector, testData, testAnomalies, parse.GetValue(scores), trainSeries);
            }

            SequenceDetectorFile settings = layout with
            {
                Rule = threshold.Rule,
                NormalClass = isUnsupervised ? null : normal,
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
            return 0;
        });
        return command;
    }

    private static Command Score()
    {
        var common = new CommonOptions();
        var directory = new Argument<string>("detector") { Description = "A folder written by `ae sequence-anomaly fit`." };
        var test = new Option<string>("--test") { Description = "Data in the layout the detector was fitted on (series per row, or a recording); labels, when present, are used to evaluate.", Required = true };
        var scores = new Option<string?>("--scores") { Description = "Write each series' (or time step's, with its time index) score and flag to this CSV." };
        var windowScores = new Option<string?>("--window-scores") { Description = "Recording: also write each window's first step, last step and score to this CSV." };
        var command = new Command("score", "Score new series or a recording with a fitted detector; with labels, report precision, recall, F1, ROC-AUC and PR-AUC.") { directory, test, scores, windowScores };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string folder = parse.GetValue(directory)!;
            (SequenceAnomalyDetector detector, SequenceDetectorFile settings) = SequenceAnomalyDetector.Load(folder);
            using (detector)
            {
                string path = parse.GetValue(test)!;
                SequenceAnomalyData data = settings.Input == "recording"
                    ? SequenceAnomalyData.ReadRecording(path, settings.Length, settings.Stride ?? 1, settings.TimeColumn, LabelIfPresent(path, settings.LabelColumn), settings.NormalClass, settings.ChannelNames)
                    : SequenceAnomalyData.ReadSeries(path, settings.Channels, settings.NormalClass, "--test", settings.Length);
                bool[]? anomalies = data.Anomalies(settings.NormalClass);
                if (parse.GetValue(windowScores) is not null && data.Windows is null)
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

                if (parse.GetValue(scores) is string scoresPath)
                {
                    WriteScores(scoresPath, data, itemScores, anomalies, settings.Threshold);
                    stdout.WriteLine($"wrote    {scoresPath}");
                }

                if (parse.GetValue(windowScores) is string windowPath)
                {
                    var csv = new StringBuilder("window,first_step,last_step,score,flagged\n");
                    for (int w = 0; w < windowValues.Length; w++)
                    {
                        int first = data.Windows!.Starts[w];
                        csv.Append(CultureInfo.InvariantCulture, $"{w},{first},{first + data.Windows.Window - 1},{windowValues[w]:R},{(windowValues[w] > settings.Threshold ? 1 : 0)}\n");
                    }

                    AtomicFile.WriteAllText(windowPath, csv.ToString());
                    stdout.WriteLine($"wrote    {windowPath}");
                }
            }

            return 0;
        });
        return command;
    }

    // The training data and a reader for test data in the same layout, with the layout's part of the settings.
    private static (SequenceAnomalyData Data, Func<string, SequenceAnomalyData> ReadTest, SequenceDetectorFile Layout) Input(
        ParseResult parse, Option<string?> train, Option<string?> recording, Option<int> channels, Option<int?> window, Option<int?> stride,
        Option<string?> timeColumn, Option<string?> labelColumn, string? normal, bool isUnsupervised)
    {
        string? trainPath = parse.GetValue(train), recordingPath = parse.GetValue(recording);
        if ((trainPath is null) == (recordingPath is null))
        {
            throw new ArgumentException("Give either --train FILE (series per row) or --recording FILE.csv (one long series), not both or neither.");
        }

        if (trainPath is not null)
        {
            foreach ((string name, bool given) in new[] { ("--window", parse.GetValue(window) is not null), ("--stride", parse.GetValue(stride) is not null), ("--time-column", parse.GetValue(timeColumn) is not null), ("--label-column", parse.GetValue(labelColumn) is not null) })
            {
                if (given)
                {
                    throw new ArgumentException($"{name} applies to --recording; series per row are already windows (their label comes first).");
                }
            }

            if (normal is null && !isUnsupervised)
            {
                throw new ArgumentException("Give --normal-class C to train on the normal series only, or --unsupervised to train on all of them.");
            }

            int f = parse.GetValue(channels);
            if (f < 1)
            {
                throw new ArgumentException($"--channels must be at least 1; found {f}.");
            }

            SequenceAnomalyData series = SequenceAnomalyData.ReadSeries(trainPath, f, normal, "--train");
            int length = (int)series.Series.shape[1];
            return (series, path => SequenceAnomalyData.ReadSeries(path, f, normal, "--test", length), new SequenceDetectorFile { Input = "series" });
        }

        int w = parse.GetValue(window) ?? throw new ArgumentException("--recording needs --window STEPS: the length of the windows the detector learns.");
        int s = parse.GetValue(stride) ?? Math.Max(1, w / 4);
        if (w < 2 || s < 1)
        {
            throw new ArgumentException($"--window must be at least 2 and --stride at least 1; found {w} and {s}.");
        }

        string? label = parse.GetValue(labelColumn);
        if ((label is null) != (normal is null) && !(isUnsupervised && normal is null))
        {
            throw new ArgumentException("With --recording, --label-column and --normal-class go together: the column and the label of its normal steps.");
        }

        SequenceAnomalyData data = SequenceAnomalyData.ReadRecording(recordingPath!, w, s, parse.GetValue(timeColumn), label, normal);
        if (data.IsNormal is not null && !isUnsupervised && !data.IsNormal.Any(n => n))
        {
            throw new DataFormatException(recordingPath!, $"column '{label}'", $"expected at least one window of {w} steps all labelled '{normal}' (normal) to train on, found none.");
        }

        IReadOnlyList<string> names = data.Recording!.ChannelNames;
        return (data, path => SequenceAnomalyData.ReadRecording(path, w, s, parse.GetValue(timeColumn), LabelIfPresent(path, label), normal, names),
            new SequenceDetectorFile { Input = "recording", Stride = s, ChannelNames = names, TimeColumn = parse.GetValue(timeColumn), LabelColumn = label });
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

    // A folder that exists, is not empty and holds no sequence detector is refused: fit replaces the folder whole.
    private static void CheckWritable(string directory)
    {
        if (File.Exists(directory) || (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() && !File.Exists(Path.Combine(directory, SequenceDetectorFile.FileName))))
        {
            throw new ArgumentException($"{directory}: exists and is not a sequence detector folder; choose a new --out (a detector folder is replaced whole).");
        }
    }
}
