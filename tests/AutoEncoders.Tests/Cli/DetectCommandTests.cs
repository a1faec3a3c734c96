using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoEncoders.Tests.Cli;

public sealed class DetectCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_damaged_detector_file_is_named_with_the_line_and_field_at_fault_in_the_files_terms()
    {
        string folder = _temp.File("damaged");
        Directory.CreateDirectory(folder);
        string file = Path.Combine(folder, "detector.json");
        File.WriteAllText(file, "{\n  \"kind\": 5,\n");

        CliRun score = CliRun.Of("detect", "score", folder, "--table", _temp.Write("rows.csv", "a,b\n1,2\n"));

        Assert.Equal(1, score.ExitCode);
        Assert.Equal($"error: {file}: line 2, field $.kind: expected a string; found a value of another kind; refit with `ae detect fit`.", score.Error.Trim());
    }

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
        // The default (knn-max) score: the largest of its three scaled k-NN parts.
        Assert.Equal("index,score,anomaly,flagged,score_input_knn,score_nearest,score_rank_gauss_knn,error_small,error_large,error_ratio,error_offset", rows[0]);
        Assert.Equal(331, rows.Length);
        foreach (string row in rows.Skip(1))
        {
            double[] v = [.. row.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture))];
            Assert.Equal(Math.Max(v[4], Math.Max(v[5], v[6])), v[1], 12);
        }

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

    [Theory]
    [InlineData("dense", "combined")]
    [InlineData("denoising", "combined")]
    [InlineData("vae", "reconstruction")]
    [InlineData("ensemble", "combined")]
    [InlineData("dense", "reconstruction")]
    public void Each_detector_kind_fits_scores_and_reports_the_pca_and_knn_baselines(string kind, string score)
    {
        string train = _temp.Write("train.csv", Table(new Random(1), normal: 300, anomalies: 0));
        string test = _temp.Write("test.csv", Table(new Random(2), normal: 150, anomalies: 15));
        string detector = _temp.File($"detector-{kind}-{score}");

        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id",
            "--kind", kind, "--score", score, "--epochs", "40", "--layers", "16,2", "--seed", "2", "--threads", "1", "-o", detector);

        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        int members = kind == "ensemble" ? 5 : 1;
        Assert.Contains($"model    {kind}, {members} member{(members == 1 ? "" : "s")}, 16-2, up to 40 epochs, batch 32; score {score}", fit.Output, StringComparison.Ordinal);
        for (int m = 0; m < members; m++)
        {
            Assert.True(File.Exists(Path.Combine(detector, $"member-{m}", "weights.bin")));
            Assert.Equal(score != "reconstruction", File.Exists(Path.Combine(detector, $"codes-{m}.npy")));
        }

        CliRun scored = CliRun.Of("detect", "score", detector, "--table", test, "--threads", "1");
        Assert.True(scored.ExitCode == 0, scored.Error + scored.Output);
        Assert.Contains($"with {kind} ({score})", scored.Output, StringComparison.Ordinal);
        Assert.True(Auc(scored.Output, "result ") > (kind == "vae" ? 0.8 : 0.9), scored.Output);
        Assert.Matches(@"baseline PCA, \d of 4 components \(90% of the variance\): ROC-AUC [01]\.\d{3}, PR-AUC", scored.Output);
        Assert.Contains("baseline exact 5-NN mean distance to 300 training rows: ROC-AUC", scored.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scores_file_holds_the_standardised_parts_and_the_input_knn_score_ranks_like_the_knn_baseline()
    {
        string train = _temp.Write("train.csv", Table(new Random(3), normal: 200, anomalies: 0));
        string test = _temp.Write("test.csv", Table(new Random(4), normal: 100, anomalies: 10));

        // The combined score: its --scores file has the three parts, and the score is (R + L + 2I) / 4.
        string combined = _temp.File("combined");
        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id", "--score", "combined", "--epochs", "20", "--seed", "2", "--threads", "1", "-o", combined);
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        string scores = _temp.File("scores.csv");
        CliRun scored = CliRun.Of("detect", "score", combined, "--table", test, "--scores", scores, "--threads", "1");
        Assert.True(scored.ExitCode == 0, scored.Error + scored.Output);
        string[] lines = File.ReadAllLines(scores);
        Assert.StartsWith("index,score,anomaly,flagged,score_reconstruction,score_latent_knn,score_input_knn,error_small,", lines[0], StringComparison.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            double[] v = [.. line.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture))];
            Assert.Equal((v[4] + v[5] + (2 * v[6])) / 4, v[1], 9);
        }

        // The input-space part alone is the k-NN baseline, standardised: the same ranking, so the same ROC-AUC as the
        // baseline a reconstruction-only detector (which has no input part, so searches afresh) prints.
        string knn = _temp.File("knn"), reconstruction = _temp.File("reconstruction");
        Assert.Equal(0, CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id", "--score", "input-knn", "--epochs", "5", "--threads", "1", "-o", knn).ExitCode);
        Assert.Equal(0, CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id", "--score", "reconstruction", "--epochs", "5", "--threads", "1", "-o", reconstruction).ExitCode);
        CliRun knnScored = CliRun.Of("detect", "score", knn, "--table", test, "--threads", "1");
        CliRun searched = CliRun.Of("detect", "score", reconstruction, "--table", test, "--threads", "1");
        Assert.True(knnScored.ExitCode == 0 && searched.ExitCode == 0, knnScored.Error + searched.Error);
        Assert.Equal(Auc(searched.Output, "baseline exact 5-NN"), Auc(knnScored.Output, "result "));
    }

    [Fact]
    public void Unsupervised_fit_without_a_threshold_rule_defaults_to_contamination_0_1()
    {
        string train = _temp.Write("train.csv", Table(new Random(1), normal: 150, anomalies: 15));
        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--ignore", "id,kind", "--epochs", "5", "--threads", "1", "-o", _temp.File("u"));
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        Assert.Contains("(contamination 0.1: the 90th percentile of 165 training scores)", fit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupervised_fit_with_contamination_flags_that_share_of_the_training_rows_and_reports_the_implied_rate()
    {
        // No labels used: all 330 rows are trained on, the last 30 of them anomalies (9 %).
        string train = _temp.Write("train.csv", Table(new Random(1), normal: 300, anomalies: 30));
        string detector = _temp.File("detector");

        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--ignore", "id,kind", "--contamination", "0.1",
            "--epochs", "30", "--seed", "4", "--threads", "1", "-o", detector);

        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        Assert.Contains("all rows trained on (unsupervised: some may be anomalies)", fit.Output, StringComparison.Ordinal);
        Assert.Contains("(contamination 0.1: the 90th percentile of 330 training scores); implied false-positive rate", fit.Output, StringComparison.Ordinal);
        double implied = double.Parse(Regex.Match(fit.Output, @"implied false-positive rate ([\d.]+)% on 66 held-out normal samples").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(implied, 3, 25); // about 10 % of the 66 held-out rows score above the training rows' 90th percentile

        string scores = _temp.File("scores.csv");
        CliRun score = CliRun.Of("detect", "score", detector, "--table", train, "--scores", scores, "--threads", "1");
        Assert.True(score.ExitCode == 0, score.Error);
        bool[] flagged = [.. File.ReadLines(scores).Skip(1).Select(line => line.Split(',')[2] == "1")];
        // 10 % of the 330 training rows score above the threshold by construction, leaving each row out of its own
        // neighbours; scored again as new rows each is its own nearest row (the default knn-max score's nearest-row
        // part is then 0 and its 5-NN mean smaller), so fewer are flagged.
        Assert.InRange(flagged.Count(f => f), 8, 45);
        Assert.True(flagged.Skip(300).Count(f => f) >= 0.3 * flagged.Count(f => f), score.Output); // the planted anomalies are 9 % of the rows, at least 30 % of the flags
    }

    [Fact]
    public void Bad_input_is_refused_in_one_line_and_leaves_no_detector_folder()
    {
        string good = Table(new Random(1), normal: 100, anomalies: 0);
        string[] lines = good.Split('\n');
        lines[5] = string.Join(',', lines[5].Split(',').Select((cell, c) => c == 2 ? "NaN" : cell));
        string nan = _temp.Write("nan.csv", string.Join('\n', lines));
        string detector = _temp.File("detector");

        CliRun refused = CliRun.Of("detect", "fit", "--table", nan, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id", "-o", detector);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: {nan}: line 6", refused.Error, StringComparison.Ordinal);
        Assert.Contains("expected a finite float32 number, found 'NaN'", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(detector));

        string train = _temp.Write("train.csv", good);
        CliRun noNormal = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "ok", "--ignore", "id", "-o", detector);
        Assert.Equal(1, noNormal.ExitCode);
        Assert.Contains("no row has the normal class 'ok' in column 'kind'; found 'normal'", noNormal.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(detector));

        CliRun both = CliRun.Of("detect", "fit", "--table", train, "--contamination", "0.1", "--fpr", "0.01", "-o", detector);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("Give one of --percentile, --fpr and --contamination, not several.", both.Error, StringComparison.Ordinal);
        CliRun range = CliRun.Of("detect", "fit", "--table", train, "--contamination", "0.7", "-o", detector);
        Assert.Contains("--contamination must lie in (0, 0.5]; found 0.7.", range.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(detector));

        string occupied = _temp.File("occupied");
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "notes.txt"), "mine");
        CliRun notDetector = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--ignore", "id", "-o", occupied);
        Assert.Equal(1, notDetector.ExitCode);
        Assert.Contains("exists, is not empty and is not a detector folder", notDetector.Error, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(occupied).Select(Path.GetFileName));
    }

    [Fact]
    public void A_constant_column_is_centred_and_noted_and_a_single_class_label_is_scored_without_evaluation()
    {
        // "offset" is constant on the training rows; a test row that moves it must score as the most unusual.
        string Constant(string table, Func<int, string> value) => string.Join('\n', table.TrimEnd('\n').Split('\n')
            .Select((line, i) => i == 0 ? line : string.Join(',', line.Split(',').Select((cell, c) => c == 4 ? value(i) : cell)))) + "\n";
        string train = _temp.Write("train.csv", Constant(Table(new Random(1), normal: 200, anomalies: 0), _ => "100"));
        string test = _temp.Write("test.csv", Constant(Table(new Random(2), normal: 50, anomalies: 0), i => i == 7 ? "105" : "100"));
        string detector = _temp.File("detector");

        CliRun fit = CliRun.Of("detect", "fit", "--table", train, "--label-column", "kind", "--normal-class", "normal", "--ignore", "id", "--epochs", "20", "--threads", "1", "-o", detector);
        Assert.True(fit.ExitCode == 0, fit.Error + fit.Output);
        Assert.Contains("note     constant on the training rows (centred, not scaled; any other value scores as unusual): offset", fit.Output, StringComparison.Ordinal);

        string scores = _temp.File("scores.csv");
        CliRun score = CliRun.Of("detect", "score", detector, "--table", test, "--scores", scores, "--threads", "1");
        Assert.True(score.ExitCode == 0, score.Error + score.Output);
        Assert.Contains($"note     {test}: column 'kind': every row is normal; ROC-AUC and PR-AUC need both classes, so nothing is evaluated", score.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("result", score.Output, StringComparison.Ordinal);
        double[] values = [.. File.ReadLines(scores).Skip(1).Select(line => double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture))];
        Assert.Equal(6, Array.IndexOf(values, values.Max())); // data row 7 is index 6
    }

    private static double Auc(string output, string prefix) =>
        double.Parse(Regex.Match(output, prefix + @".*ROC-AUC (\d\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

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
