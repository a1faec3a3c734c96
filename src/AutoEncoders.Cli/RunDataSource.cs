using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli;

/// <summary>
/// The one way a command finds its data: the sources named on the command line, else the data a model directory
/// was trained on (its recipe.json), loaded by <see cref="DataSourceLoader"/>.
/// </summary>
internal static class RunDataSource
{
    /// <summary>The data source the recipe.json of <paramref name="modelDirectory"/> names, or null when there is none.</summary>
    public static DataSource? Recorded(string modelDirectory) =>
        File.Exists(Path.Combine(modelDirectory, RunDirectory.RecipeFile))
            ? RunDirectory.Open(modelDirectory).LoadRecipe().Data
            : null;

    /// <summary>The data source for commands that take a model directory and an optional --dataset.</summary>
    public static DataSource Resolve(string modelDirectory, string? dataset, long? trainLimit = null)
    {
        DataSource source = dataset is not null
            ? new DataSource { Dataset = dataset, TrainLimit = trainLimit }
            : Recorded(modelDirectory) is DataSource recorded
                ? recorded with { TrainLimit = trainLimit ?? recorded.TrainLimit }
                : new DataSource();
        if (source.Dataset is null && source.TrainImages is null)
        {
            throw new ArgumentException($"{modelDirectory}: no recipe.json names the data it was trained on; pass --dataset NAME (see `ae datasets`).");
        }

        return source;
    }

    /// <summary>
    /// The <paramref name="split"/> of <paramref name="source"/> (its own limits applied), cut to the first
    /// <paramref name="limit"/> samples when given.
    /// </summary>
    public static TensorDataset Load(DataSource source, DatasetSplit split, DatasetOptions options, long? limit = null) =>
        DataSourceLoader.Limit(DataSourceLoader.Load(source, split, options), limit);
}
