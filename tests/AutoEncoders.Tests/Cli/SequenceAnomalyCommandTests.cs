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
    public void Trains_on_normal_series_of_a_ucr_file_and_ranks_the_test_anomalies_first()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(77);
        string train = Write("train.tsv", ("1", SineWaves.Normal(200, 32, generator)), ("2", SineWaves.Anomalous(12, 32, generator)));
        string test = Write("test.tsv", ("1", SineWaves.Normal(64, 32, generator)), ("2", SineWaves.Anomalous(32, 32, generator)));

        CliRun run = CliRun.Of(
            "sequence-anomaly", "--train", train, "--test", test, "--normal-class", "1", "--hidden", "32", "--epochs", "25",
            "--batch-size", "16", "--percentile", "95", "--seed", "3", "--scores", _temp.File("scores.csv"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("train    160 normal series (class 1) of 32 steps x 1 channel(s); 40 held out for the threshold", run.Output, StringComparison.Ordinal);
        Assert.Contains("test     96 series, 32 anomalies (classes other than 1)", run.Output, StringComparison.Ordinal);
        double auc = double.Parse(Regex.Match(run.Output, @"ROC-AUC (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(auc > 0.9, run.Output);
        string[] rows = File.ReadAllLines(_temp.File("scores.csv"));
        Assert.Equal("index,score,anomaly,flagged", rows[0]);
        Assert.Equal(97, rows.Length);

        CliRun unknown = CliRun.Of("sequence-anomaly", "--train", train, "--normal-class", "7");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--normal-class 7: no series in", unknown.Error, StringComparison.Ordinal);
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
