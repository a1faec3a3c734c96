using System.Text.Json;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Persistence;
using AutoEncoders.Training;

namespace AutoEncoders.Tests.Cli;

public sealed class ConvolutionalCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string RecipesFolder { get; } = Path.Combine(RepositoryFolder.Root, "recipes");

    [Fact]
    public void Summary_of_the_keras_recipe_prints_the_keras_table()
    {
        CliRun run = CliRun.Of("summary", Path.Combine(RecipesFolder, "conv-keras.json"));

        Assert.Equal(0, run.ExitCode);
        string[] lines = run.Output.Split('\n');
        string[] rows = lines.Where(l => l.StartsWith(" encoder.", StringComparison.Ordinal) || l.StartsWith(" decoder.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(9, rows.Length);
        Assert.Matches(@"^ encoder\.0 \(Conv2d\+relu\) +\(None, 16, 28, 28\) +160$", rows[0]);
        Assert.Matches(@"^ encoder\.2 \(Conv2d\+relu\) +\(None, 8, 14, 14\) +1,160$", rows[2]);
        Assert.Matches(@"^ decoder\.0 \(Conv2d\+relu\) +\(None, 8, 7, 7\) +584$", rows[4]);
        Assert.Matches(@"^ decoder\.2 \(Conv2d\+relu\) +\(None, 16, 14, 14\) +1,168$", rows[6]);
        Assert.Matches(@"^ decoder\.4 \(Conv2d\+sigmoid\) +\(None, 1, 28, 28\) +145$", rows[8]);
        Assert.Contains("Total params: 3,217", lines);
    }

    [Fact]
    public void Recipe_files_hold_the_same_models_and_objectives_as_the_factories()
    {
        (string File, Recipe Factory)[] pairs =
        [
            ("conv-keras.json", ConvolutionalRecipes.Keras()),
            ("conv-strided.json", ConvolutionalRecipes.Strided()),
            ("conv-denoising.json", ConvolutionalRecipes.Denoising()),
            ("conv-unpool.json", ConvolutionalRecipes.Unpooling()),
        ];
        foreach ((string file, Recipe factory) in pairs)
        {
            Recipe loaded = Recipe.Load(Path.Combine(RecipesFolder, file));
            Assert.Equal(factory.Name, loaded.Name);
            Assert.Equal(JsonSerializer.Serialize(factory.Model, JsonDefaults.Options), JsonSerializer.Serialize(loaded.Model, JsonDefaults.Options));
            Assert.Equal(JsonSerializer.Serialize(factory.Objective, JsonDefaults.Options), JsonSerializer.Serialize(loaded.Objective, JsonDefaults.Options));
        }
    }

    [Fact]
    public void A_mis_sized_recipe_is_refused_with_the_shape_table_before_loading_data()
    {
        string recipe = File.ReadAllText(Path.Combine(RecipesFolder, "conv-keras.json"))
            .Replace("\"height\": 28, \"width\": 28", "\"height\": 30, \"width\": 30", StringComparison.Ordinal);
        string path = _temp.Write("bad.json", recipe);

        CliRun run = CliRun.Of("train", "--recipe", path, "--out", _temp.File("runs"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {path}: model (convolutional): the decoder returns [1, 28, 28] but the input is [1, 30, 30]", run.Error, StringComparison.Ordinal);
        Assert.Contains("decoder.1 (upsample)", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.File("runs")), "no run directory should be created for a refused recipe");
    }

    [Fact]
    public void Train_saves_a_convolutional_run_that_summary_loads_back()
    {
        CliRun train = CliRun.Of(
            "train", "--recipe", Path.Combine(RecipesFolder, "conv-unpool.json"), "--train-limit", "256", "--epochs", "1",
            "--progress", "silent", "--out", _temp.File("runs"), "--name", "unpool");

        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("3,217 parameters", train.Output, StringComparison.Ordinal);
        Assert.Contains("squared_error_per_sample", train.Output, StringComparison.Ordinal);
        string run = Directory.GetDirectories(_temp.File("runs")).Single();

        CliRun summary = CliRun.Of("summary", run);
        Assert.Equal(0, summary.ExitCode);
        Assert.Contains(" unpool1 (MaxUnpool2d)", summary.Output, StringComparison.Ordinal);
        Assert.Contains("Total params: 3,217", summary.Output, StringComparison.Ordinal);
    }
}
