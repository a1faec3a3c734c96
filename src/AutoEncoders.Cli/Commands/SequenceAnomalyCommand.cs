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
            common.ConfigureRuntime(parse, defaultSeed: 1);
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
            var input = new SequenceInput("--train", parse.GetValue(train), parse.GetValue(recording), parse.GetValue(channels), parse.GetValue(window), parse.GetValue(stride), parse.GetValue(timeColumn), parse.GetValue(labelColumn));
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
