using System.Globalization;
using AutoEncoders.Training;
using ScottPlot;

namespace AutoEncoders.Visualization;

/// <summary>
/// Every metric of a training history per epoch, one panel per metric (the total loss, each objective term, and
/// accuracy when a classifier recorded it), training in blue and validation in orange; and several runs' losses
/// overlaid for comparisons.
/// </summary>
public static class TrainingCurves
{
    /// <summary>The metric names of <paramref name="history"/> without the "val_" prefix: "loss", the terms in order, then any others (e.g. "accuracy").</summary>
    public static IReadOnlyList<string> MetricNames(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var names = new List<string>();
        foreach (string name in history.Metrics
            .Concat(history.Epochs.SelectMany(e => e.Train.Keys))
            .Concat(history.Epochs.SelectMany(e => e.Validation?.Keys ?? Enumerable.Empty<string>())))
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        names.Remove("loss");
        names.Insert(0, "loss");
        return names;
    }

    /// <summary>Writes one panel per metric (train and, where recorded, validation) as a PNG.</summary>
    public static PictureFile Save(TrainingHistory history, string path)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs.Count == 0)
        {
            throw new ArgumentException("The training history has no epochs to draw.", nameof(history));
        }

        double[] epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var plots = new List<Plot>();
        foreach (string metric in MetricNames(history))
        {
            double[] train = history.Series(metric).ToArray();
            double[] validation = history.Series($"val_{metric}").ToArray();
            bool hasTrain = train.Any(double.IsFinite), hasValidation = validation.Any(double.IsFinite);
            if (!hasTrain && !hasValidation)
            {
                continue;
            }

            Plot plot = Charts.NewPlot(metric == "loss" ? "loss (total)" : metric, "epoch", metric);
            if (hasTrain)
            {
                AddLine(plot, epochs, train, "train", Charts.ColorFor(0, 10));
            }

            if (hasValidation)
            {
                AddLine(plot, epochs, validation, "validation", Charts.ColorFor(1, 10));
            }

            plot.ShowLegend(Alignment.UpperRight);
            plots.Add(plot);
        }

        double[] rates = history.Epochs.Select(e => e.LearningRate).ToArray();
        if (rates.Distinct().Count() > 1)
        {
            Plot plot = Charts.NewPlot("learning rate", "epoch", "learning rate");
            AddLine(plot, epochs, rates, "learning rate", Charts.ColorFor(2, 10));
            plots.Add(plot);
        }

        string stop = history.StopReason is null ? string.Empty : $" Training stopped early: {history.StopReason}.";
        return Charts.SavePanels(plots, Math.Min(3, plots.Count), 460, 330, path, null, "Training curves",
            $"Each metric per epoch over {history.Epochs.Count.ToString(CultureInfo.InvariantCulture)} epochs: training (mean over the epoch's batches) and validation.{stop}");
    }

    /// <summary>
    /// Overlays the training and validation loss of several runs (one colour per run) in two panels and writes the PNG.
    /// </summary>
    public static PictureFile SaveOverlay(IReadOnlyList<(string Name, TrainingHistory History)> runs, string path)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("There are no runs to compare.", nameof(runs));
        }

        var plots = new List<Plot>();
        foreach ((string metric, string title) in new[] { ("loss", "training loss"), ("val_loss", "validation loss") })
        {
            if (!runs.Any(r => r.History.Series(metric).Any(double.IsFinite)))
            {
                continue;
            }

            Plot plot = Charts.NewPlot(title, "epoch", "loss");
            for (int i = 0; i < runs.Count; i++)
            {
                TrainingHistory history = runs[i].History;
                double[] values = history.Series(metric).ToArray();
                if (values.Any(double.IsFinite))
                {
                    AddLine(plot, history.Epochs.Select(e => (double)e.Epoch).ToArray(), values, runs[i].Name, Charts.ColorFor(i, runs.Count));
                }
            }

            plot.ShowLegend(Alignment.UpperRight);
            plots.Add(plot);
        }

        if (plots.Count == 0)
        {
            throw new ArgumentException("None of the runs recorded a loss to draw.", nameof(runs));
        }

        return Charts.SavePanels(plots, plots.Count, 560, 400, path, null, "Loss curves",
            $"Training and validation loss per epoch of {runs.Count.ToString(CultureInfo.InvariantCulture)} runs, overlaid.");
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, string label, ScottPlot.Color color)
    {
        int[] finite = Enumerable.Range(0, ys.Length).Where(i => double.IsFinite(ys[i])).ToArray();
        ScottPlot.Plottables.Scatter line = plot.Add.Scatter(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = finite.Length > 40 ? 0 : 5;
    }
}
