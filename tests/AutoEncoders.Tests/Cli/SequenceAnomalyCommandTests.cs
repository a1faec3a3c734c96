using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Models.Sequence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Cli;

public sealed class SequenceAnomalyCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fit_writes_a_detector_folder_that_score_uses_later_with_the_same_figures()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(77);
        string train = Write("train.tsv", ("1", SineWaves.Normal(100, 32, generator)), ("2", SineWaves.Anomalous(12, 32, generator)));
        string test = Write("test.tsv", ("1", SineWaves.Normal(40, 32, generator)), ("2", SineWaves.Anomalous(20, 32, generator)));
        string folder = _temp.File("det");

        CliRun fit = CliRun.Of(
            "sequence-anomaly", "fit", "--train", train, "--test", test, "--normal-class", "1", "--fpr", "0.05", "--score", "combined",
            "--seed", "3", "-o", folder, "--scores", _temp.File("fit-scores.csv"));

        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("112 series of 32 steps x 1 channel(s); training on 100, normal (class 1)", fit.Output, StringComparison.Ordinal);
        Assert.Contains("(false-positive rate 0.05 on 20 held-out normal samples); implied false-positive rate", fit.Output, StringComparison.Ordinal);
        Assert.Matches(@"baseline PCA, \d+ of 32 components \(90% of the variance\): ROC-AUC \d\.\d{3}", fit.Output);
        Assert.Matches(@"baseline exact 5-NN mean distance to 100 training rows: ROC-AUC \d\.\d{3}", fit.Output);
        Assert.True(Auc(fit.Output) > 0.9, fit.Output);
        Assert.True(File.Exists(Path.Combine(folder, "sequence-detector.json")));
        Assert.True(File.Exists(Path.Combine(folder, "reference-codes.npy")));
        Assert.DoesNotContain(Directory.GetDirectories(_temp.Path), d => d.Contains(".tmp-", StringComparison.Ordinal));

        CliRun score = CliRun.Of("sequence-anomaly", "score", folder, "--test", test, "--scores", _temp.File("scores.csv"));
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Equal(Regex.Match(fit.Output, "result .*").Value, Regex.Match(score.Output, "result .*").Value);
        string[] rows = File.ReadAllLines(_temp.File("scores.csv"));
        Assert.Equal("index,score,anomaly,flagged", rows[0]);
        Assert.Equal(61, rows.Length);
        Assert.Equal(File.ReadAllLines(_temp.File("fit-scores.csv")), rows);
    }

    [Fact]
    public void Unsupervised_fit_trains_on_every_series_and_defaults_to_a_contamination_threshold()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(8);
        string train = Write("mixed.tsv", ("1", SineWaves.Normal(90, 24, generator)), ("2", SineWaves.Anomalous(10, 24, generator)));

        // `ae detect fit --series` without --normal-class is the unsupervised mode, as for tables.
        CliRun run = CliRun.Of("detect", "fit", "--series", train, "--epochs", "20", "-o", _temp.File("u"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("training on 100, all (unsupervised)", run.Output, StringComparison.Ordinal);
        Assert.Contains("(contamination 0.1: the 90th percentile of 80 training scores)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("normalClass", File.ReadAllText(Path.Combine(_temp.File("u"), "sequence-detector.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_recording_is_scored_per_window_and_per_step_with_its_time_index()
    {
        TorchRuntime.EnsureLoaded();
        string recording = Recording("plant.csv", 1200, anomalyFrom: 900, anomalyTo: 940);
        string folder = _temp.File("rec");

        CliRun fit = CliRun.Of(
            "detect", "fit", "--recording", recording, "--window", "20", "--stride", "5", "--time-column", "time",
            "--label-column", "state", "--normal-class", "ok", "--epochs", "40", "-o", folder, "--seed", "2");
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("237 windows of 20 steps x 2 channel(s); training on 225, normal (class ok)", fit.Output, StringComparison.Ordinal);

        CliRun score = CliRun.Of("detect", "score", folder, "--recording", recording, "--scores", _temp.File("steps.csv"), "--window-scores", _temp.File("windows.csv"));
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Contains("scored   237 windows over 1200 steps", score.Output, StringComparison.Ordinal);
        Assert.Contains("labels   41 anomalies, 1159 normal steps", score.Output, StringComparison.Ordinal);
        Assert.True(Auc(score.Output) > 0.9, score.Output);
        string[] steps = File.ReadAllLines(_temp.File("steps.csv"));
        Assert.Equal("step,time,score,anomaly,flagged", steps[0]);
        Assert.Equal(1201, steps.Length);
        Assert.StartsWith("910,2026-01-01T15:10:00,", steps[911], StringComparison.Ordinal);
        string[] windows = File.ReadAllLines(_temp.File("windows.csv"));
        Assert.Equal("window,first_step,last_step,score,flagged", windows[0]);
        Assert.StartsWith("236,1180,1199,", windows[^1], StringComparison.Ordinal);

        // The same detector scores a recording without the label column: no evaluation, still per-step scores.
        string unlabelled = Recording("new.csv", 60, anomalyFrom: -1, anomalyTo: -1, labels: false);
        CliRun plain = CliRun.Of("sequence-anomaly", "score", folder, "--test", unlabelled);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.DoesNotContain("result", plain.Output, StringComparison.Ordinal);

        // The alias scores the same folder to the same per-step figures.
        CliRun alias = CliRun.Of("sequence-anomaly", "score", folder, "--test", recording, "--scores", _temp.File("alias.csv"));
        Assert.True(alias.ExitCode == 0, alias.Error);
        Assert.Equal(steps, File.ReadAllLines(_temp.File("alias.csv")));
    }

    [Fact]
    public void Bad_input_is_refused_in_one_line_naming_file_and_place_and_nothing_is_written()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(3);
        string train = Write("train.tsv", ("1", SineWaves.Normal(40, 16, generator)), ("2", SineWaves.Anomalous(4, 16, generator)));
        string folder = _temp.File("never");

        string nanSeries = _temp.Write("nan.tsv", "1\tNaN" + string.Concat(Enumerable.Repeat("\t0.5", 15)) + "\n");
        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--train", train, "--test", nanSeries, "--normal-class", "1", "-o", folder), $"error: {nanSeries}: line 1 (series 1), column 2 (step 1): found NaN");

        string recording = Recording("r.csv", 100, anomalyFrom: 50, anomalyTo: 55);
        string[] lines = File.ReadAllLines(recording);
        string[] cells = lines[7].Split(',');
        cells[1] = "Infinity";
        lines[7] = string.Join(',', cells);
        string infinite = _temp.Write("inf.csv", string.Join('\n', lines));
        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--recording", infinite, "--window", "10", "--time-column", "time", "--label-column", "state", "--normal-class", "ok", "-o", folder), $"error: {infinite}: line 8 (row 7), column 'a': expected a finite float32 number, found 'Infinity'.");

        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--recording", recording, "--window", "101", "--time-column", "time", "--label-column", "state", "--normal-class", "ok", "-o", folder),
            $"error: {recording}: 100 rows: expected at least one window of 101 steps, found 100 steps.");

        string oneClass = Write("one.tsv", ("1", SineWaves.Normal(10, 16, generator)));
        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--train", train, "--test", oneClass, "--normal-class", "1", "-o", folder),
            $"error: {oneClass}: column 1 (labels): expected normal and anomalous labels to evaluate (ROC-AUC needs both), found only the normal class '1'.");

        // A detector fitted on 16-step series refuses 12-step ones.
        CliRun fit = CliRun.Of("sequence-anomaly", "fit", "--train", train, "--normal-class", "1", "--epochs", "5", "-o", _temp.File("det16"));
        Assert.True(fit.ExitCode == 0, fit.Error);
        string shorter = Write("short.tsv", ("1", SineWaves.Normal(5, 12, generator)), ("2", SineWaves.Anomalous(5, 12, generator)));
        CliRun score = CliRun.Of("sequence-anomaly", "score", _temp.File("det16"), "--test", shorter, "--scores", _temp.File("s.csv"));
        Assert.Equal(1, score.ExitCode);
        Assert.Equal($"error: {shorter}: line 1: expected series of 16 steps x 1 channel(s) like the detector's window, found 12 x 1; cut or resample them to 16 steps.", score.Error.Trim());
        Assert.False(File.Exists(_temp.File("s.csv")));

        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--train", train, "-o", folder), "error: Give --normal-class C to train on the normal series only, or --unsupervised");
        AssertRefused(CliRun.Of("sequence-anomaly", "fit", "--train", train, "--normal-class", "1", "--contamination", "0.7", "-o", folder), "error: --contamination must lie in (0, 0.5]");

        // A non-empty folder that holds no detector is never replaced.
        string other = _temp.Write("notes/keep.txt", "mine");
        CliRun occupied = CliRun.Of("sequence-anomaly", "fit", "--train", train, "--normal-class", "1", "-o", Path.GetDirectoryName(other)!);
        Assert.Equal(1, occupied.ExitCode);
        Assert.Contains("exists, is not empty and is not a detector folder", occupied.Error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(other));

        // `ae detect` keeps series options and table options apart, and each folder scores only its own kind of data.
        AssertRefused(CliRun.Of("detect", "fit", "--series", train, "--table", recording, "--normal-class", "1", "-o", folder), "error: --series and --recording fit a sequence detector; --table");
        AssertRefused(CliRun.Of("detect", "fit", "--table", recording, "--window", "10", "-o", folder), "error: --window applies to series (--series or --recording)");
        AssertRefused(CliRun.Of("detect", "fit", "--series", train, "--normal-class", "1", "--kind", "vae", "-o", folder), "error: --kind: 'vae' is not a sequence detector kind; expected dense, lstm or gru");
        AssertRefused(CliRun.Of("detect", "fit", "--series", train, "--normal-class", "1", "--layers", "16,8,4", "-o", folder), "error: --layers: a sequence detector takes two sizes");
        CliRun asTable = CliRun.Of("detect", "score", _temp.File("det16"), "--table", recording);
        Assert.Equal(1, asTable.ExitCode);
        Assert.StartsWith($"error: {_temp.File("det16")} is a sequence detector: give the data to score with --series FILE", asTable.Error, StringComparison.Ordinal);

        void AssertRefused(CliRun run, string expectedStart)
        {
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith(expectedStart, run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.Trim().Split('\n'));
            Assert.False(Directory.Exists(folder));
        }
    }

    private static double Auc(string output) => double.Parse(Regex.Match(output, @"ROC-AUC (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    // Two channels (a sine and a slower cosine) with noise, one row per minute; between the two steps the first channel
    // is flat at its peak and the second carries noise five times as strong (the 'fault' label).
    private string Recording(string name, int steps, int anomalyFrom, int anomalyTo, bool labels = true)
    {
        var random = new Random(11);
        var text = new StringBuilder(labels ? "time,a,b,state\n" : "time,a,b\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int t = 0; t < steps; t++)
        {
            bool fault = t >= anomalyFrom && t <= anomalyTo;
            double a = fault ? 1 : Math.Sin(t * 2 * Math.PI / 25);
            double b = Math.Cos(t * 2 * Math.PI / 60) + ((fault ? 0.5 : 0.1) * ((random.NextDouble() * 2) - 1));
            text.Append(CultureInfo.InvariantCulture, $"{start.AddMinutes(t):yyyy-MM-ddTHH:mm:ss},{a:F4},{b:F4}");
            text.Append(labels ? (fault ? ",fault\n" : ",ok\n") : "\n");
        }

        return _temp.Write(name, text.ToString());
    }

    private string Write(string name, params (string Label, Tensor Series)[] groups)
    {
        var text = new StringBuilder();
        foreach ((string label, Tensor series) in groups)
        {
            float[] values = series.contiguous().data<float>().ToArray();
            long steps = series.shape[1];
            for (long i = 0; i < series.shape[0]; i++)
            {
                text.Append(label);
                for (long t = 0; t < steps; t++)
                {
                    text.Append('\t').Append(values[(i * steps) + t].ToString("R", CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }

            series.Dispose();
        }

        return _temp.Write(name, text.ToString());
    }
}
