using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoEncoders.Tests.Cli;

public sealed class DetectCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fits_on_a_mixed_scale_table_ranks_planted_anomalies_first_and_refuses_unknown_or_missing_columns()
    {
        string train = _temp.Write("train.csv", Table(new Random(1), normal: 600, anomalies: 30));
        string test = _temp.Write("test.csv", Table(new Random(2), normal: 300, anomalies: 30));
        string detector = _temp.File("detector");

        CliRun fit = CliRun.Of(
            "detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id",
            "--layers", "8,2", "--epochs", "60", "--batch-size", "32", "--lr", "0.01", "--fpr", "0.02", "--seed", "3", "-o", detector);

        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        Assert.Contains("600 normal rows; normalisation z-score", fit.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(detector, "normalizer.json")));
        string scores = _temp.File("scores.csv");
        CliRun score = CliRun.Of("detect", "score", detector, "--table", test, "--scores", scores);
        Assert.True(score.ExitCode == 0, score.Error);
        Assert.Contains("labels   30 anomalies, 300 normal", score.Output, StringComparison.Ordinal);
        double auc = double.Parse(Regex.Match(score.Output, @"ROC-AUC (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        double recall = double.Parse(Regex.Match(score.Output, @"recall (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(auc > 0.95, score.Output);
        Assert.True(recall > 0.7, score.Output);
        string[] rows = File.ReadAllLines(scores);
        Assert.Equal("index,score,anomaly,flagged,error_small,error_large,error_ratio,error_offset", rows[0]);
        Assert.Equal(331, rows.Length);

        string extra = _temp.Write("extra.csv", string.Join('\n', File.ReadAllLines(test).Select((line, i) => line.Insert(line.IndexOf(',', StringComparison.Ordinal) + 1, i == 0 ? "colour," : "7,"))) + "\n");
        string header = File.ReadLines(extra).First();
        Assert.Equal("id,colour,small,large,ratio,offset,kind", header);
        CliRun unknown = CliRun.Of("detect", "score", detector, "--table", extra);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains($"{extra}: header: unknown column 'colour'.", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("fitted on the columns small, large, ratio, offset", unknown.Error, StringComparison.Ordinal);

        string fewer = _temp.Write("fewer.csv", "id,small,large,offset\n1,0.5,5000,3\n");
        CliRun missing = CliRun.Of("detect", "score", detector, "--table", fewer);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"{fewer}: header: missing column 'ratio'", missing.Error, StringComparison.Ordinal);
    }

    // Four columns on very different scales driven by two factors; anomalies break the relation between them.
    private static string Table(Random random, int normal, int anomalies)
    {
        var text = new StringBuilder("id,small,large,ratio,offset,kind\n");
        for (int i = 0; i < normal + anomalies; i++)
        {
            double a = Gaussian(random), b = Gaussian(random);
            bool anomaly = i >= normal;
            double c = anomaly ? a + ((random.Next(2) * 2) - 1) * (1.5 + Math.Abs(Gaussian(random))) : a; // the anomaly's third column is pushed off the two-factor plane
            double[] row = [0.01 * a, 5000 + (1000 * (a + b)), 3 * c - b, 100 + (0.5 * b)];
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += 0.02 * Math.Abs(row[j] == 0 ? 1 : row[j]) * Gaussian(random) * (j == 3 ? 0.01 : 1);
            }

            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
                .Append(anomaly ? ",anomaly\n" : ",normal\n");
        }

        return text.ToString();
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
