using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae detect fit|score`: one workflow for every kind of data. `fit` writes a detector folder; `score` uses it any
/// time later. Tables (CSV, mixed scales; the normalisation is saved with the model) and images (a class held out as
/// the anomaly) get dense autoencoder detectors; series per row (--series) and long recordings cut into sliding
/// windows (--recording, --window, --stride) get sequence detectors (<see cref="SequenceAnomalyWorkflow"/>).
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var command = new Command("detect", "Anomaly detection on tables, images, series or recordings: fit a detector folder on normal data, then score new data with it.");
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
        var normalClass = new Option<string?>("--normal-class") { Description = "Table: the label of normal rows; only those are trained on. Without it every row is trained on (unsupervised mode: some rows may be anomalies; the threshold defaults to --contamination 0.1)." };
        var ignore = new Option<string?>("--ignore") { Description = "Table: comma-separated columns that are not features (ids, timestamps)." };
        var normalize = new Option<string>("--normalize") { Description = "Table: z-score, min-max or none (fitted on the training rows, saved with the model). A constant column is only centred.", DefaultValueFactory = _ => "z-score" };
        var anomalyClass = new Option<long?>("--anomaly-class") { Description = "Images: the class held out as the anomaly (not trained on)." };
        var output = new Option<string>("--out", "-o") { Description = "The detector folder to write (members, codes, normalizer.json, detector.json).", Required = true };
        var kind = new Option<string>("--kind") { Description = "Tables and images: dense, denoising, vae (scored by reconstruction probability) or ensemble (5 dense members). Series: dense (on the flattened window), lstm or gru.", DefaultValueFactory = _ => "dense" };
        var scoreKind = new Option<string?>("--score") { Description = "Tables and images: knn-max (the tables' default; no autoencoder: the largest of the mean distance to the 5 nearest normal rows, the distance to the nearest, and the 5-NN distance after a per-column rank-Gauss transform, each scaled on held-out normal rows), combined (reconstruction error R, latent k-NN distance L and input-space k-NN distance I, as (R + L + 2I) / 4; the images' default), reconstruction, latent-knn, or input-knn (the k-NN baseline alone). Series: reconstruction (default), latent-knn or combined." };
        var series = new SequenceFitOptions();
        var layers = new Option<string?>("--layers") { Description = "Hidden layer sizes down to the code (e.g. 16,4); default sized from the data (tables: hidden clamp(2D,16,128), code clamp(D/2,2,16); series: two sizes, hidden and code, default from the window)." };
        var training = new TrainerArguments("Passes over the normal training data (0: sized from the data for about 3,000 steps, 10 to 200, early stopping on held-out rows).", 0, "Rows per mini-batch (0: N/100 rounded to a power of two, 32 to 512).", 0, 1e-3);
        var holdOut = new ThresholdHoldOut("Share of normal data held out for early stopping, score standardisation and the threshold.");
        var thresholds = new ThresholdOptions();
        var command = new Command("fit", "Train autoencoder(s) on normal data and keep its rows; score tables by nearest-neighbour distances (default knn-max), images by the autoencoders' reconstruction error with latent and input distances (default combined), or as --score says; set the anomaly threshold without labels.")
        {
            table, labelColumn, normalClass, ignore, normalize, anomalyClass, output, kind, scoreKind, layers, training.Epochs, training.BatchSize, training.LearningRate, holdOut.Fraction,
        };
        thresholds.AddTo(command);
        series.AddTo(command);
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            int seed = parse.GetValue(common.Seed) ?? 1;
            string directory = parse.GetValue(output)!;
            double fraction = holdOut.Read(parse);
            thresholds.Validate(parse);
            int[]? hidden = parse.GetValue(layers) is string text ? [.. SplitList(text).Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new ArgumentException($"--layers: '{s}' is not a layer size; expected positive integers such as 16,4."))] : null;
            if (parse.GetValue(training.Epochs) < 0 || parse.GetValue(training.BatchSize) < 0)
            {
                throw new ArgumentException("--epochs and --batch-size must be positive (or 0 for the size rule).");
            }

            if (series.Given(parse))
            {
                if (parse.GetValue(table) is not null || parse.GetValue(anomalyClass) is not null || parse.GetValue(ignore) is not null)
                {
                    throw new ArgumentException("--series and --recording fit a sequence detector; --table, --ignore and --anomaly-class belong to tables and images.");
                }

                common.ConfigureRuntime(parse, defaultSeed: 1);
                var sequenceOptions = new SequenceDetectorOptions
                {
                    Kind = ParseSequenceKind(parse.GetValue(kind)),
                    Score = ParseSequenceScore(parse.GetValue(scoreKind)),
                    HiddenSize = hidden is null ? null : hidden.Length == 2 ? hidden[0] : throw new ArgumentException("--layers: a sequence detector takes two sizes, hidden and code (e.g. 64,8)."),
                    CodeSize = hidden?[1],
                    Epochs = parse.GetValue(training.Epochs) is int e and > 0 ? e : null,
                    BatchSize = parse.GetValue(training.BatchSize) is int b and > 0 ? b : null,
                    LearningRate = parse.GetValue(training.LearningRate),
                    ValidationFraction = fraction,
                    Seed = seed,
                };
                string? normalName = parse.GetValue(normalClass);
                SequenceAnomalyWorkflow.Fit(stdout, parse, series.Input(parse, parse.GetValue(labelColumn)), series.Apply(parse, sequenceOptions), normalName, unsupervised: normalName is null, thresholds, directory);
                return 0;
            }

            series.RefuseWithout(parse);
            DetectorKind detectorKind = ParseKind(parse.GetValue(kind));

            DetectorFolder.CheckWritable(directory);
            common.ConfigureRuntime(parse, defaultSeed: 1);

            using var scope = torch.NewDisposeScope();
            Tensor normal;
            ColumnNormalizer? normalizer = null;
            DetectorFile settings;
            bool isTable = parse.GetValue(table) is not null;
            // knn-max was chosen on tables (bench/anomaly/DEVELOPMENT.md); images keep the autoencoder's combined
            // score until knn-max is measured on them.
            AnomalyScoreKind score = ParseScore(parse.GetValue(scoreKind) ?? (isTable ? "knn-max" : "combined"));
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
                string mode = normalName is null ? "all rows trained on (unsupervised: some may be anomalies)" : $"{normal.shape[0]} normal rows";
                stdout.WriteLine($"data     {tablePath}: {raw.RowCount} rows, {raw.ColumnCount} feature columns; {mode}; normalisation {normalizer?.Kind ?? "none"}");
                double[] spread = Doubles(normalRaw.amax([0]) - normalRaw.amin([0]));
                string[] constant = [.. raw.ColumnNames.Where((_, c) => spread[c] == 0)];
                if (constant.Length > 0)
                {
                    stdout.WriteLine($"note     constant on the training rows (centred, not scaled; any other value scores as unusual): {string.Join(", ", constant)}");
                }
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
            if (validation.shape[0] < 2)
            {
                throw new ArgumentException($"{normal.shape[0]} normal samples are too few: at least two must be held out to standardise the scores; give more rows or a larger --validation-fraction.");
            }

            int width = (int)normal.shape[1];
            DetectorSizing sizing = DetectorSizing.For(trainSet.Count, width);
            TrainerOptions options = training.Read(parse, seed, common, (sizing.Epochs, sizing.BatchSize)) with
            {
                Progress = ProgressMode.Silent,
                EarlyStopping = new EarlyStoppingOptions { Patience = 10 },
            };
            sizing = sizing with { Hidden = hidden ?? sizing.Hidden, Epochs = options.Epochs, BatchSize = options.BatchSize };
            IReadOnlyList<DetectorMember> plan = DetectorMember.Plan(detectorKind, width, sizing.Hidden, isTable, seed);
            stdout.WriteLine($"model    {KindName(detectorKind)}, {plan.Count} member{(plan.Count == 1 ? "" : "s")}, {sizing}; score {ScoreName(score)}; train on {trainSet.Count}, {validation.shape[0]} held out");
            using var validationSet = new TensorDataset(validation, name: "held-out normal");
            var trained = new List<TrainedAutoencoder>();
            try
            {
                foreach ((DetectorMember member, int m) in plan.Select((member, m) => (member, m)))
                {
                    Autoencoder model = member.Config.Build();
                    TrainerOptions memberOptions = options with { Seed = member.Seed };
                    TrainingHistory history;
                    using (var trainer = new Trainer(model, member.Objective, memberOptions))
                    {
                        history = trainer.Fit(trainSet, validationSet);
                    }

                    trained.Add(new TrainedAutoencoder(model, new ModelManifest { Model = member.Config, Objective = member.Objective, Training = memberOptions }, history));
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"member   {m + 1}/{plan.Count}: {member.Describe()}, {model.ParameterCount:N0} parameters; {history.Epochs.Count} epochs, {history.StopReason ?? "ran all epochs"}"));
                }

                // Neighbours are searched among all the normal rows, the held-out ones last, when they number at most
                // MaxReferenceRows (small sets need every row; each held-out row is left out of its own neighbours
                // when standardising), else among a seeded sample of that many training rows. The contamination
                // quantile is taken over the reference rows, each left out of its own neighbours.
                var scorer = new AutoencoderAnomalyScorer([.. trained.Select(t => t.Model)], score);
                bool together = trainSet.Count + validation.shape[0] <= AutoencoderAnomalyScorer.MaxReferenceRows;
                Tensor reference = together
                    ? torch.cat([trainSet.Features.reshape(trainSet.Count, -1), validation.reshape(validation.shape[0], -1)]).to_type(ScalarType.Float32).contiguous()
                    : BaselineScores.ReferenceRows(trainSet.Features, seed);
                long? heldOutOffset = together ? trainSet.Count : null;
                scorer.SetReference(reference, seed);
                double[] heldOutScores = scorer.Standardize(validation, heldOutOffset).Total;
                ChosenThreshold chosen = thresholds.Choose(parse, scorer.Score(reference, rowsAreReference: true), heldOutScores, unsupervised: isTable && settings.NormalClass is null);
                settings = settings with
                {
                    Threshold = chosen.Value,
                    Rule = chosen.Rule,
                    ImpliedFalsePositiveRate = chosen.ImpliedFalsePositiveRate,
                    Detector = KindName(detectorKind),
                    Score = ScoreName(score),
                    Neighbours = scorer.Neighbours,
                    Members = trained.Count,
                    Standardizations = scorer.Standardizations,
                    InputStandardization = scorer.UsesInputNeighbours ? scorer.InputStandardization : null,
                    NearestStandardization = scorer.UsesNeighbourMaximum ? scorer.NearestStandardization : null,
                    RankGaussStandardization = scorer.UsesNeighbourMaximum ? scorer.RankGaussStandardization : null,
                };
                DetectorFolder.Write(directory, staging =>
                {
                    for (int m = 0; m < trained.Count; m++)
                    {
                        trained[m].Save(Path.Combine(staging, DetectorFolder.MemberName(m)));
                        if (m < scorer.ReferenceCodes.Count)
                        {
                            NpyFile.Write(Path.Combine(staging, DetectorFolder.CodesName(m)), scorer.ReferenceCodes[m]);
                        }
                    }

                    NpyFile.Write(Path.Combine(staging, DetectorFolder.BaselineRowsName), reference);
                    normalizer?.Save(Path.Combine(staging, DetectorFile.NormalizerFileName));
                    settings.Save(staging);
                });
                stdout.WriteLine($"threshold {chosen}");
                stdout.WriteLine($"saved    {directory}");
            }
            finally
            {
                foreach (TrainedAutoencoder t in trained)
                {
                    t.Dispose();
                }
            }

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
        var scores = new Option<string?>("--scores") { Description = "Write each sample's score, label, flag (and for tables the score's parts and per-feature errors; for a recording each step's score with its time index) to this CSV." };
        var seriesPath = new Option<string?>("--series") { Description = "Series per row to score with a sequence detector (the layout it was fitted on; labels first, used to evaluate)." };
        var recordingPath = new Option<string?>("--recording") { Description = "A recording to score with a sequence detector fitted on one (cut into the same windows; its label column, when present, is used to evaluate)." };
        var windowScores = new Option<string?>("--window-scores") { Description = "Recording: also write each window's first step, last step and score to this CSV." };
        var command = new Command("score", "Score new data; with labels, report precision, recall, F1, ROC-AUC and PR-AUC beside the PCA and exact 5-NN baselines.") { directory, table, anomalyClass, scores, seriesPath, recordingPath, windowScores };
        data.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 0);
            string folder = parse.GetValue(directory)!;
            string? sequencePath = parse.GetValue(seriesPath) ?? parse.GetValue(recordingPath);
            if (DetectorFolder.IsSequenceDetector(folder))
            {
                if (parse.GetValue(table) is not null || sequencePath is null || (parse.GetValue(seriesPath) is not null && parse.GetValue(recordingPath) is not null))
                {
                    throw new ArgumentException($"{folder} is a sequence detector: give the data to score with --series FILE (series per row) or --recording FILE.csv, as it was fitted.");
                }

                SequenceAnomalyWorkflow.Score(stdout, folder, sequencePath, parse.GetValue(scores), parse.GetValue(windowScores));
                return 0;
            }

            if (sequencePath is not null || parse.GetValue(windowScores) is not null)
            {
                throw new ArgumentException($"{folder} is not a sequence detector: --series, --recording and --window-scores score series; give --table FILE.csv or image data.");
            }

            DetectorFile settings = DetectorFile.Load(folder);
            using DetectorFolder loaded = DetectorFolder.Load(folder, settings);
            AutoencoderAnomalyScorer scorer = loaded.Scorer;
            using var scope = torch.NewDisposeScope();
            Tensor samples;
            bool[]? isAnomaly = null;
            IReadOnlyList<string>? featureNames = null;
            string source;
            if (settings.Kind == DetectorFile.Table)
            {
                string tablePath = parse.GetValue(table) ?? throw new ArgumentException($"{folder} is a table detector: give the rows to score with --table FILE.csv.");
                source = tablePath;
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
                    isAnomaly = [.. NormalRows(raw, normal, tablePath, requireNormal: false).Select(n => !n)];
                }
            }
            else
            {
                using TensorDataset images = data.Load(parse, common.DatasetOptions(parse, stdout), null);
                source = images.Name;
                samples = images.Features.reshape(images.Count, -1).clone();
                long? anomaly = parse.GetValue(anomalyClass) ?? settings.AnomalyClass;
                if (anomaly is long c && images.Labels is not null)
                {
                    isAnomaly = images.Labels.eq(c).cpu().data<bool>().ToArray();
                }
            }

            AnomalyScoreParts parts = scorer.ScoreParts(samples);
            double[] score = parts.Total;
            bool[] flagged = [.. score.Select(s => s > settings.Threshold)];
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored   {score.Length} samples with {settings.Detector ?? "dense"} ({settings.Score ?? "reconstruction"}); {flagged.Count(f => f)} above the threshold {settings.Threshold:G5} ({settings.Rule})"));
            if (isAnomaly is not null)
            {
                int anomalies = isAnomaly.Count(a => a);
                stdout.WriteLine($"labels   {anomalies} anomalies, {isAnomaly.Length - anomalies} normal");
                if (anomalies == 0 || anomalies == isAnomaly.Length)
                {
                    stdout.WriteLine($"note     {source}: column '{settings.LabelColumn}': every row is {(anomalies == 0 ? "normal" : "an anomaly")}; ROC-AUC and PR-AUC need both classes, so nothing is evaluated");
                }
                else
                {
                    AnomalyDetectionReport report = AnomalyThreshold.Report(settings.Threshold, score, isAnomaly);
                    stdout.WriteLine($"result   {report}");
                    foreach ((string name, double[] baseline) in loaded.BaselineRows is Tensor rows ? BaselineScores.Compute(rows, samples, SameNeighbours(scorer, parts)) : [])
                    {
                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"baseline {name}: ROC-AUC {BinaryClassificationMetrics.RocAuc(baseline, isAnomaly):F3}, PR-AUC {BinaryClassificationMetrics.AveragePrecision(baseline, isAnomaly):F3}"));
                    }
                }
            }

            if (parse.GetValue(scores) is string path)
            {
                // Per-feature errors are one more pass through every member: only a table's --scores file shows them.
                Tensor? features = settings.Kind == DetectorFile.Table ? scorer.FeatureErrors(samples) : null;
                ReconstructionAnomalyDetector.WriteScores(path, score, settings.Threshold, isAnomaly, features, featureNames, parts);
                stdout.WriteLine($"wrote    {path}");
            }

            return 0;
        });
        return command;
    }

    private static DetectorKind ParseKind(string? text) => text switch
    {
        "dense" => DetectorKind.Dense,
        "denoising" => DetectorKind.Denoising,
        "vae" => DetectorKind.Variational,
        "ensemble" => DetectorKind.Ensemble,
        _ => throw new ArgumentException($"--kind: '{text}' is not known; expected dense, denoising, vae or ensemble."),
    };

    // The input k-NN part (standardised, so ranked like the raw distance) is the 5-NN baseline over the same rows.
    private static double[]? SameNeighbours(AutoencoderAnomalyScorer scorer, AnomalyScoreParts parts) =>
        scorer.Neighbours == BaselineScores.Neighbours ? parts.InputNeighbours : null;

    private static SequenceDetectorKind ParseSequenceKind(string? text) => text switch
    {
        "dense" => SequenceDetectorKind.Dense,
        "lstm" => SequenceDetectorKind.Lstm,
        "gru" => SequenceDetectorKind.Gru,
        _ => throw new ArgumentException($"--kind: '{text}' is not a sequence detector kind; expected dense, lstm or gru with --series or --recording."),
    };

    // Series keep the score the ECG200 target was met with (reconstruction) as their default.
    private static SequenceScore ParseSequenceScore(string? text) => text switch
    {
        null or "reconstruction" => SequenceScore.Reconstruction,
        "latent-knn" => SequenceScore.Neighbours,
        "combined" => SequenceScore.Combined,
        _ => throw new ArgumentException($"--score: '{text}' is not a sequence detector score; expected reconstruction, latent-knn or combined with --series or --recording."),
    };

    private static string KindName(DetectorKind kind) => kind switch
    {
        DetectorKind.Variational => "vae",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static AnomalyScoreKind ParseScore(string? text) => text switch
    {
        "combined" => AnomalyScoreKind.Combined,
        "reconstruction" => AnomalyScoreKind.Reconstruction,
        "latent-knn" => AnomalyScoreKind.LatentNeighbours,
        "input-knn" => AnomalyScoreKind.InputNeighbours,
        "knn-max" => AnomalyScoreKind.NeighbourMaximum,
        _ => throw new ArgumentException($"--score: '{text}' is not known; expected knn-max, combined, reconstruction, latent-knn or input-knn."),
    };

    internal static string ScoreName(AnomalyScoreKind score) => score switch
    {
        AnomalyScoreKind.LatentNeighbours => "latent-knn",
        AnomalyScoreKind.InputNeighbours => "input-knn",
        AnomalyScoreKind.NeighbourMaximum => "knn-max",
        _ => score.ToString().ToLowerInvariant(),
    };

    internal static AnomalyScoreKind ScoreFromName(string? name) => name is null ? AnomalyScoreKind.Reconstruction : ParseScore(name);

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

    private static bool[] NormalRows(CsvTable table, string? normalClass, string path, bool requireNormal = true)
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
        if (requireNormal && !normal.Any(n => n))
        {
            throw new ArgumentException($"{path}: no row has the normal class '{normalClass}' in column '{table.LabelColumn}'; found {string.Join(", ", table.ClassNames.Select(c => $"'{c}'"))}.");
        }

        return normal;
    }

    private static double[] Doubles(Tensor values) => values.to_type(ScalarType.Float64).data<double>().ToArray();

    private static string[] SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
