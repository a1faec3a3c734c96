using System.CommandLine;
using System.Globalization;
using System.Text;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Sequence;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae sequence-anomaly`: trains an LSTM/GRU autoencoder on the normal series of a UCR-style file, sets the
/// threshold at a percentile of held-out normal scores, and reports how well it flags the anomalies of a test file.
/// </summary>
internal static class SequenceAnomalyCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var train = new Option<string>("--train") { Description = "Series to learn from, one per row, class label first (UCR archive layout); only the normal class is used.", Required = true };
        var test = new Option<string?>("--test") { Description = "Labelled series to evaluate on: precision, recall and F1 at the threshold, ROC-AUC and PR-AUC." };
        var normalClass = new Option<string>("--normal-class") { Description = "The label of normal series (e.g. 1 for ECG5000); every other label is an anomaly.", Required = true };
        var channels = new Option<int>("--channels") { Description = "Variables per time step (a row holds each channel's T values in turn).", DefaultValueFactory = _ => 1 };
        var cell = new Option<RecurrentCell>("--cell") { Description = "lstm or gru.", DefaultValueFactory = _ => RecurrentCell.Lstm };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of encoder and decoder.", DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers.", DefaultValueFactory = _ => 1 };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "Read each series in both directions." };
        var codeSize = new Option<int?>("--code-size") { Description = "Linear bottleneck size (default: the encoder's last hidden state is the code)." };
        var training = new TrainerArguments("Passes over the normal training series.", 30, "Series per mini-batch.", 32, 5e-3);
        var holdOut = new ThresholdHoldOut("Share of the normal training series held out to set the threshold.");
        var percentile = new Option<double>("--percentile") { Description = "Threshold = this percentile of held-out normal scores.", DefaultValueFactory = _ => 99.0 };
        var aggregation = new Option<StepErrorAggregation>("--aggregation") { Description = "Series score from step errors: mean or max.", DefaultValueFactory = _ => StepErrorAggregation.Mean };
        var scores = new Option<string?>("--scores") { Description = "Write each test series' score, label and flag to this CSV file." };
        var command = new Command("sequence-anomaly", "Detect anomalous series with a sequence autoencoder trained on normal series (reconstruction error, percentile threshold).")
        {
            train, test, normalClass, channels, cell, hidden, layers, bidirectional, codeSize, training.Epochs, training.BatchSize, training.LearningRate, holdOut.Fraction, percentile, aggregation, scores,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 1);
            int seed = parse.GetValue(common.Seed) ?? 1;
            var options = new SequenceOptions { Channels = parse.GetValue(channels) };
            string normal = parse.GetValue(normalClass)!;
            SequenceTable table = SequenceTable.Read(parse.GetValue(train)!, options);
            double fraction = holdOut.Read(parse);

            using var scope = torch.NewDisposeScope();
            Tensor all = Features(table);
            bool[] isNormal = Flags(table, normal, "--train");
            Tensor normalSeries = all.index_select(0, torch.tensor(Enumerable.Range(0, table.Count).Where(i => isNormal[i]).Select(i => (long)i).ToArray()));
            using TensorDataset trainSet = ThresholdHoldOut.Split(normalSeries, fraction, seed, Path.GetFileName(table.Path), count => $"{table.Path}: {count} normal series (class {normal})", out Tensor validation);
            long validationCount = validation.shape[0];
            stdout.WriteLine($"train    {trainSet.Count} normal series (class {normal}) of {table.Length} steps x {table.Channels} channel(s); {validationCount} held out for the threshold");

            var config = new SequenceAutoencoderConfig
            {
                SequenceLength = table.Length,
                Features = table.Channels,
                Cell = parse.GetValue(cell),
                HiddenSize = parse.GetValue(hidden),
                Layers = parse.GetValue(layers),
                Bidirectional = parse.GetValue(bidirectional),
                CodeSize = parse.GetValue(codeSize),
            };
            using var model = (SequenceAutoencoder)config.Build();
            stdout.WriteLine($"model    {ModelSummary.Of(model).Rows.Skip(1).Select(r => $"{r.Type} {r.ShapeText}").Aggregate((a, b) => $"{a} -> {b}")}; {model.ParameterCount:N0} parameters");
            using var trainer = new Trainer(model, new Objective(), training.Read(parse, seed, common) with { GradientClipNorm = 1.0 });
            trainer.Fit(trainSet);

            var detector = new SequenceAnomalyDetector(model, parse.GetValue(aggregation));
            double threshold = detector.Calibrate(validation, parse.GetValue(percentile));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold {threshold:G5} ({parse.GetValue(percentile)}th percentile of {validationCount} held-out normal scores)"));
            if (parse.GetValue(test) is not string testPath)
            {
                return 0;
            }

            SequenceTable testTable = SequenceTable.Read(testPath, options);
            if (testTable.Length != table.Length || testTable.Channels != table.Channels)
            {
                throw new ArgumentException($"{testPath}: series have {testTable.Length} steps x {testTable.Channels} channel(s) but the training series have {table.Length} x {table.Channels}.");
            }

            Tensor testSeries = Features(testTable);
            bool[] isAnomaly = Flags(testTable, normal, "--test").Select(n => !n).ToArray();
            AnomalyDetectionReport report = detector.Evaluate(testSeries, isAnomaly);
            stdout.WriteLine($"test     {testTable.Count} series, {isAnomaly.Count(a => a)} anomalies (classes other than {normal})");
            stdout.WriteLine($"result   {report}");
            if (parse.GetValue(scores) is string scoresPath)
            {
                double[] values = detector.Score(testSeries);
                var csv = new StringBuilder("index,score,anomaly,flagged\n");
                for (int i = 0; i < values.Length; i++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{i},{values[i]:R},{(isAnomaly[i] ? 1 : 0)},{(values[i] > threshold ? 1 : 0)}\n");
                }

                AtomicFile.WriteAllText(scoresPath, csv.ToString());
                stdout.WriteLine($"wrote    {scoresPath}");
            }

            return 0;
        });
        return command;
    }

    private static Tensor Features(SequenceTable table)
    {
        using TensorDataset data = table.ToDataset();
        return data.Features.clone();
    }

    /// <summary>True for each series of the normal class; refuses unlabelled files and an unknown normal class.</summary>
    private static bool[] Flags(SequenceTable table, string normalClass, string option)
    {
        if (table.Labels is null)
        {
            throw new ArgumentException($"{option} {table.Path}: the rows have no class label; the normal series must be marked by a leading label.");
        }

        int normalIndex = table.ClassNames.ToList().IndexOf(normalClass);
        if (normalIndex < 0 && option == "--train")
        {
            throw new ArgumentException($"--normal-class {normalClass}: no series in {table.Path} has that label; its labels are {string.Join(", ", table.ClassNames)}.");
        }

        return table.Labels.Select(l => l == normalIndex).ToArray();
    }
}
