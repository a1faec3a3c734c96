using System.CommandLine;
using AutoEncoders.Applications.Anomaly;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae sequence-anomaly fit|score`: the older name of `ae detect fit|score --series|--recording` (kept so scripts
/// keep working), with its original option names (--train for series per row, --unsupervised, --hidden,
/// --code-size) and a --test evaluation at fit time. Both run <see cref="SequenceAnomalyWorkflow"/>.
/// </summary>
internal static class SequenceAnomalyCommand
{
    public static Command Create()
    {
        var command = new Command("sequence-anomaly", "Anomaly detection on series or sliding windows of a recording (the same as `ae detect fit|score --series|--recording`): fit a detector folder, then score new data with it.");
        command.Subcommands.Add(Fit());
        command.Subcommands.Add(Score());
        return command;
    }

    private static Command Fit()
    {
        var common = new CommonOptions();
        var series = new SequenceFitOptions("--train");
        var normalClass = new Option<string?>("--normal-class") { Description = "The label of normal series (or steps, with --label-column); only those are trained on unless --unsupervised." };
        var unsupervised = new Option<bool>("--unsupervised") { Description = "Train on every series or window (some may be anomalies); the threshold defaults to --contamination 0.1." };
        var labelColumn = new Option<string?>("--label-column") { Description = "Recording: the column marking each step's class (not a channel); see --normal-class." };
        var kind = new Option<SequenceDetectorKind>("--kind") { Description = "dense (on the flattened window), lstm or gru.", DefaultValueFactory = _ => SequenceDetectorKind.Dense };
        var score = new Option<SequenceScore>("--score") { Description = "reconstruction, neighbours (distance to the k nearest training codes) or combined.", DefaultValueFactory = _ => SequenceScore.Reconstruction };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden units (default from the window: dense clamp(L/2, 16, 256), recurrent clamp(8F, 32, 128))." };
        var codeSize = new Option<int?>("--code-size") { Description = "Code size (default clamp(L/8, 4, 32) for L = steps x channels)." };
        var epochs = new Option<int?>("--epochs") { Description = "Most passes (default: enough for 3,000 optimiser steps, 1,000 recurrent; early stopping usually ends sooner)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Series per mini-batch (default clamp(N/8, 8, 256))." };
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var holdOut = new ThresholdHoldOut("Share of the training series held out for early stopping and the threshold.");
        var thresholds = new ThresholdOptions();
        var output = new Option<string>("--out", "-o") { Description = "The detector folder to write (model, sequence-detector.json, reference-codes.npy).", Required = true };
        var test = new Option<string?>("--test") { Description = "Labelled data in the training layout to evaluate on, beside PCA and k-NN baselines." };
        var scores = new Option<string?>("--scores") { Description = "With --test: write each series' (or time step's) score to this CSV." };
        var command = new Command("fit", "Train a sequence detector (dense, LSTM or GRU autoencoder), set its threshold and write the detector folder.")
        {
            normalClass, unsupervised, labelColumn, kind, score, hidden, codeSize, epochs, batchSize, learningRate, holdOut.Fraction, output, test, scores,
        };
        series.AddTo(command);
        thresholds.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            common.ConfigureRuntime(parse, defaultSeed: 1);
            SequenceDetectorOptions options = series.Apply(parse, new SequenceDetectorOptions
            {
                Kind = parse.GetValue(kind),
                Score = parse.GetValue(score),
                HiddenSize = parse.GetValue(hidden),
                CodeSize = parse.GetValue(codeSize),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                ValidationFraction = holdOut.Read(parse),
                Seed = parse.GetValue(common.Seed) ?? 1,
            });
            SequenceInput input = series.Input(parse, parse.GetValue(labelColumn));
            SequenceAnomalyWorkflow.Fit(parse.InvocationConfiguration.Output, parse, input, options, parse.GetValue(normalClass), parse.GetValue(unsupervised), thresholds,
                parse.GetValue(output)!, parse.GetValue(test), parse.GetValue(scores));
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
            common.ConfigureRuntime(parse, defaultSeed: 0);
            SequenceAnomalyWorkflow.Score(parse.InvocationConfiguration.Output, parse.GetValue(directory)!, parse.GetValue(test)!, parse.GetValue(scores), parse.GetValue(windowScores));
            return 0;
        });
        return command;
    }
}
