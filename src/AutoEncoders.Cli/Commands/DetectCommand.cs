using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae detect fit|score`: anomaly detection by reconstruction error on CSV tables (mixed scales; the normalisation
/// is saved with the model) or images (a class held out as the anomaly).
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var command = new Command("detect", "Anomaly detection by reconstruction error: fit a dense autoencoder on normal rows or images, then score new data.");
        command.Subcommands.Add(Fit());
        command.Subcommands.Add(Score());
        return command;
    }

    private static Command Fit()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var table = new Option<string?>("--table") { Description = "A CSV table (header row; numbers) to learn normal rows from, instead of image data." };
        var labelColumn = new Option<string?>("--label-column") { Description = "Table: the column saying which rows are normal (see --normal-class); not a feature." };
        var normalClass = new Option<string?>("--normal-class") { Description = "Table: the label of normal rows; only those are trained on." };
        var ignore = new Option<string?>("--ignore") { Description = "Table: comma-separated columns that are not features (ids, timestamps)." };
        var normalize = new Option<string>("--normalize") { Description = "Table: z-score, min-max or none (fitted on the training rows, saved with the model).", DefaultValueFactory = _ => "z-score" };
        var anomalyClass = new Option<long?>("--anomaly-class") { Description = "Images: the class held out as the anomaly (not trained on)." };
        var output = new Option<string>("--out", "-o") { Description = "The detector folder to write (model, normalizer.json, detector.json).", Required = true };
        var layers = new Option<string>("--layers") { Description = "Hidden layer sizes down to the code; the input size is prepended (e.g. 16,4 or 256,32).", DefaultValueFactory = _ => "16,4" };
        var training = new TrainerArguments("Passes over the normal training data.", 30, "Samples per mini-batch.", 64, 1e-3);
        var holdOut = new ThresholdHoldOut("Share of normal data held out to set the threshold.");
        var thresholds = new ThresholdOptions();
        var command = new Command("fit", "Train a dense autoencoder on normal data and set the anomaly threshold on held-out normal data.")
        {
            table, labelColumn, normalClass, ignore, normalize, anomalyClass, output, layers, training.Epochs, training.BatchSize, training.LearningRate, holdOut.Fraction,
        };
        thresholds.AddTo(command);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 1);
            int seed = parse.GetValue(common.Seed) ?? 1;
            string directory = parse.GetValue(output)!;
            double fraction = holdOut.Read(parse);

            thresholds.Validate(parse);

            using var scope = torch.NewDisposeScope();
            Tensor normal;
            ColumnNormalizer? normalizer = null;
            DetectorFile settings;
            bool isTable = parse.GetValue(table) is not null;
            if (parse.GetValue(table) is string tablePath)
            {
                string[] ignored = SplitList(parse.GetValue(ignore));
                CsvTable raw = CsvTable.Read(tablePath, new CsvOptions { LabelColumn = parse.GetValue(labelColumn), IgnoredColumns = ignored });
                string? normalName = parse.GetValue(normalClass);
                bool[] keep = NormalRows(raw, normalName, tablePath);
                using TensorDataset all = raw.ToDataset();
                Tensor normalRaw = all.Features.index_select(0, torch.tensor(Enumerable.Range(0, raw.RowCount).Where(i => keep[i]).Select(i => (long)i).ToArray()));

                // The normalisation is fitted on the normal rows only: anomalies must not set the scale.
                normalizer = (parse.GetValue(normalize) ?? "z-score") switch
                {
                    "z-score" => new ZScoreNormalizer(raw.ColumnNames, Doubles(normalRaw.mean([0])), Doubles(normalRaw.std(0, unbiased: false))),
                    "min-max" => new MinMaxNormalizer(raw.ColumnNames, Doubles(normalRaw.amin([0])), Doubles(normalRaw.amax([0]))),
                    "none" => null,
                    string other => throw new ArgumentException($"--normalize: '{other}' is not known; expected z-score, min-max or none."),
                };
                normal = normalizer?.Transform(normalRaw) ?? normalRaw;
                settings = new DetectorFile
                {
                    Kind = DetectorFile.Table,
                    Threshold = 0,
                    Rule = "",
                    Columns = raw.ColumnNames,
                    IgnoredColumns = ignored,
                    LabelColumn = parse.GetValue(labelColumn),
                    NormalClass = normalName,
                    Normalizer = normalizer?.Kind,
                };
                stdout.WriteLine($"data     {tablePath}: {raw.RowCount} rows, {raw.ColumnCount} feature columns; {normal.shape[0]} normal rows; normalisation {normalizer?.Kind ?? "none"}");
            }
            else
            {
                using TensorDataset images = data.Load(parse, common.DatasetOptions(parse, stdout), null);
                long? held = parse.GetValue(anomalyClass);
                normal = images.Features.reshape(images.Count, -1);
                if (held is long c)
                {
                    Tensor labels = images.Labels ?? throw new ArgumentException("--anomaly-class needs labelled data.");
                    normal = normal.index_select(0, labels.ne(c).nonzero().squeeze(1));
                }

                settings = new DetectorFile { Kind = DetectorFile.Images, Threshold = 0, Rule = "", AnomalyClass = held };
                stdout.WriteLine($"data     {images.Name}: {images.Count} samples; {normal.shape[0]} normal{(held is null ? "" : $" (class {held} held out)")}");
            }

            using TensorDataset trainSet = ThresholdHoldOut.Split(normal, fraction, seed, "normal", count => $"{count} normal samples", out Tensor validation);
            long validationCount = validation.shape[0];
            int[] hidden = [.. SplitList(parse.GetValue(layers)).Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new ArgumentException($"--layers: '{s}' is not a layer size; expected positive integers such as 16,4."))];
            var config = new DenseAutoencoderConfig
            {
                Layers = [(int)normal.shape[1], .. hidden],
                OutputActivation = isTable ? Activation.Linear : Activation.Sigmoid,
            };
            var objective = new Objective { Reconstruction = new MeanSquaredError() };
            using Autoencoder model = config.Build();
            TrainerOptions options = training.Read(parse, seed, common);
            stdout.WriteLine($"model    dense {string.Join('-', config.Layers)}; {model.ParameterCount:N0} parameters; train on {trainSet.Count}, {validationCount} held out for the threshold");
            TrainingHistory history;
            using (var trainer = new Trainer(model, objective, options))
            {
                history = trainer.Fit(trainSet);
            }

            var detector = new ReconstructionAnomalyDetector(model);
            ChosenThreshold chosen = thresholds.Choose(parse, detector.Score(trainSet.Features), detector.Score(validation));
            detector.Threshold = chosen.Value;
            string rule = chosen.Rule;

            var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective, Training = options }, history);
            trained.Save(directory);
            normalizer?.Save(Path.Combine(directory, DetectorFile.NormalizerFileName));
            (settings with { Threshold = detector.Threshold!.Value, Rule = rule }).Save(directory);
            stdout.WriteLine($"threshold {chosen}");
            stdout.WriteLine($"saved    {directory}");
            return 0;
        });
        return command;
    }

    private static Command Score()
    {
        var common = new CommonOptions();
        var data = new DataArguments();
        var directory = new Argument<string>("detector") { Description = "A folder written by `ae detect fit`." };
        var table = new Option<string?>("--table") { Description = "A CSV table to score (the same columns the detector was fitted on; the label column, when present, is used to evaluate)." };
        var anomalyClass = new Option<long?>("--anomaly-class") { Description = "Images: the class that counts as the anomaly when evaluating (default: the one held out at fit)." };
        var scores = new Option<string?>("--scores") { Description = "Write each sample's score, label, flag (and per-feature errors for tables) to this CSV." };
        var command = new Command("score", "Score new data by reconstruction error; with labels, report precision, recall, F1, ROC-AUC and PR-AUC.") { directory, table, anomalyClass, scores };
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string folder = parse.GetValue(directory)!;
            DetectorFile settings = DetectorFile.Load(folder);
            using TrainedAutoencoder trained = TrainedAutoencoder.Load(folder);
            var detector = new ReconstructionAnomalyDetector(trained.Model) { Threshold = settings.Threshold };
            using var scope = torch.NewDisposeScope();
            Tensor samples;
            bool[]? isAnomaly = null;
            IReadOnlyList<string>? featureNames = null;
            if (settings.Kind == DetectorFile.Table)
            {
                string tablePath = parse.GetValue(table) ?? throw new ArgumentException($"{folder} is a table detector: give the rows to score with --table FILE.csv.");
                IReadOnlyList<string> header = CsvTable.ReadHeader(tablePath);
                CheckColumns(tablePath, header, settings, folder);
                bool labelled = settings.LabelColumn is not null && header.Contains(settings.LabelColumn, StringComparer.Ordinal);
                CsvTable raw = CsvTable.Read(tablePath, new CsvOptions { LabelColumn = labelled ? settings.LabelColumn : null, IgnoredColumns = settings.IgnoredColumns ?? [] });
                ColumnNormalizer? normalizer = settings.Normalizer is null ? null : ColumnNormalizer.Load(Path.Combine(folder, DetectorFile.NormalizerFileName));
                using TensorDataset dataset = (normalizer?.Transform(raw) ?? raw).ToDataset();
                samples = dataset.Features.clone();
                featureNames = normalizer?.Columns ?? raw.ColumnNames;
                if (labelled && settings.NormalClass is string normal)
                {
                    isAnomaly = [.. NormalRows(raw, normal, tablePath).Select(n => !n)];
                }
            }
            else
            {
                using TensorDataset images = data.Load(parse, common.DatasetOptions(parse, stdout), null);
                samples = images.Features.reshape(images.Count, -1).clone();
                long? anomaly = parse.GetValue(anomalyClass) ?? settings.AnomalyClass;
                if (anomaly is long c && images.Labels is not null)
                {
                    isAnomaly = images.Labels.eq(c).cpu().data<bool>().ToArray();
                }
            }

            Tensor features = detector.FeatureScores(samples);
            double[] score = ReconstructionAnomalyDetector.Totals(features);
            bool[] flagged = [.. score.Select(s => s > settings.Threshold)];
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored   {score.Length} samples; {flagged.Count(f => f)} above the threshold {settings.Threshold:G5} ({settings.Rule})"));
            if (isAnomaly is not null)
            {
                AnomalyDetectionReport report = detector.EvaluateScores(score, isAnomaly);
                stdout.WriteLine($"labels   {isAnomaly.Count(a => a)} anomalies, {isAnomaly.Count(a => !a)} normal");
                stdout.WriteLine($"result   {report}");
            }

            if (parse.GetValue(scores) is string path)
            {
                ReconstructionAnomalyDetector.WriteScores(path, score, settings.Threshold, isAnomaly, settings.Kind == DetectorFile.Table ? features : null, featureNames);
                stdout.WriteLine($"wrote    {path}");
            }

            return 0;
        });
        return command;
    }

    // Unknown or missing feature columns are refused here, naming the file and each column, before any scoring.
    private static void CheckColumns(string path, IReadOnlyList<string> header, DetectorFile settings, string folder)
    {
        IReadOnlyList<string> expected = settings.Columns ?? [];
        var notFeatures = new HashSet<string>(settings.IgnoredColumns ?? [], StringComparer.Ordinal);
        if (settings.LabelColumn is not null)
        {
            notFeatures.Add(settings.LabelColumn);
        }

        string[] unknown = [.. header.Where(c => !notFeatures.Contains(c) && !expected.Contains(c, StringComparer.Ordinal))];
        string[] missing = [.. expected.Where(c => !header.Contains(c, StringComparer.Ordinal))];
        if (unknown.Length == 0 && missing.Length == 0)
        {
            return;
        }

        IEnumerable<string> problems = unknown.Select(c => $"unknown column '{c}'").Concat(missing.Select(c => $"missing column '{c}'"));
        throw new DataFormatException(path, "header",
            $"{string.Join("; ", problems)}. The detector in {folder} was fitted on the columns {string.Join(", ", expected)}" +
            $"{(notFeatures.Count == 0 ? "" : $" (and reads past {string.Join(", ", notFeatures)})")}; score a table with exactly those columns.");
    }

    private static bool[] NormalRows(CsvTable table, string? normalClass, string path)
    {
        if (normalClass is null)
        {
            return [.. Enumerable.Repeat(true, table.RowCount)];
        }

        if (table.Labels is null)
        {
            throw new ArgumentException($"--normal-class needs --label-column naming the column of {path} that holds it.");
        }

        bool[] normal = [.. table.Labels.Select(l => l >= 0 && l < table.ClassNames.Count && table.ClassNames[(int)l] == normalClass)];
        if (!normal.Any(n => n))
        {
            throw new ArgumentException($"{path}: no row has the normal class '{normalClass}' in column '{table.LabelColumn}'; found {string.Join(", ", table.ClassNames.Select(c => $"'{c}'"))}.");
        }

        return normal;
    }

    private static double[] Doubles(Tensor values) => values.to_type(ScalarType.Float64).data<double>().ToArray();

    private static string[] SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
