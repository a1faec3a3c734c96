using System.Globalization;
using System.Text;
using AutoEncoders.Tests.Data;
using SkiaSharp;

namespace AutoEncoders.Tests.Cli;

/// <summary>`ae train` on a CSV table, a folder of images and a sequence file, which the library reads.</summary>
public sealed class TrainOnFilesTests
{
    [Fact]
    public void Train_on_a_csv_table_scales_columns_and_leaves_the_label_out()
    {
        using var folder = new TempDirectory();
        var rows = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 120; i++)
        {
            double z = i / 119.0;
            rows.Append(CultureInfo.InvariantCulture, $"{z * 10},{5 - (z * 4)},{z * z * 100},{i % 3}\n");
        }

        string table = folder.Write("rows.csv", rows.ToString());
        CliRun run = CliRun.Of("train", "--table", table, "--test-table", table, "--layers", "3,2", "--epochs", "2", "--out", folder.File("runs"), "--progress", "lines", "--threads", "1");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("data     rows: 120 samples of [3]", run.Output, StringComparison.Ordinal);
        Assert.Contains("test     loss ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", run.Error + run.Output, StringComparison.Ordinal);
        string recipe = File.ReadAllText(Path.Combine(Directory.GetDirectories(folder.File("runs")).Single(), "recipe.json"));
        Assert.Contains("\"trainTable\": ", recipe, StringComparison.Ordinal);
        Assert.DoesNotContain("\"dataset\"", recipe, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_on_a_folder_of_images_makes_them_the_asked_shape()
    {
        using var folder = new TempDirectory();
        for (int i = 0; i < 12; i++)
        {
            string cls = i % 2 == 0 ? "dark" : "light";
            Directory.CreateDirectory(folder.File(Path.Combine("images", cls)));
            byte v = (byte)(i % 2 == 0 ? 30 + i : 200 + i);
            ImageFolderTests.WriteImage(folder.File(Path.Combine("images", cls, $"{i}.png")), 10, 12, (x, y) => new SKColor(v, (byte)(x * 20), (byte)(y * 20)));
        }

        CliRun run = CliRun.Of("train", "--image-folder", folder.File("images"), "--image-shape", "3x8x8", "--layers", "192,8", "--epochs", "2", "--out", folder.File("runs"), "--progress", "lines", "--threads", "1");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("12 samples of [3, 8, 8]", run.Output, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_on_sequences_reads_every_channel()
    {
        using var folder = new TempDirectory();
        var lines = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            lines.Append(i % 2).Append(',').AppendJoin(',', Enumerable.Range(0, 20).Select(t => (0.5 + (0.4 * Math.Sin((i + t) / 3.0))).ToString("F4", CultureInfo.InvariantCulture))).Append('\n');
        }

        string series = folder.Write("series.txt", lines.ToString());
        CliRun run = CliRun.Of("train", "--sequences", series, "--test-sequences", series, "--channels", "2", "--layers", "20,4", "--epochs", "2", "--out", folder.File("runs"), "--progress", "lines", "--threads", "1");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("40 samples of [10, 2]", run.Output, StringComparison.Ordinal);
        Assert.Contains("test     loss ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_kinds_of_training_data_are_refused()
    {
        using var folder = new TempDirectory();
        CliRun run = CliRun.Of("train", "--table", "a.csv", "--sequences", "b.txt", "--layers", "3,2", "--out", folder.File("runs"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --table, --image-folder, --sequences and --array: give one kind of training data.", run.Error.Trim());
    }
}
