using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli;

/// <summary>The data a model directory was trained on (its recipe.json), unless --dataset names another.</summary>
internal static class RunDataSource
{
    /// <summary>The data source for commands that take a model directory and an optional --dataset.</summary>
    public static DataSource Resolve(string modelDirectory, string? dataset, long? trainLimit = null)
    {
        DataSource source = File.Exists(Path.Combine(modelDirectory, RunDirectory.RecipeFile))
            ? RunDirectory.Open(modelDirectory).LoadRecipe().Data
            : new DataSource();
        if (dataset is not null)
        {
            source = new DataSource { Dataset = dataset, TrainLimit = trainLimit };
        }
        else if (trainLimit is not null)
        {
            source = source with { TrainLimit = trainLimit };
        }

        if (source.Dataset is null && source.TrainImages is null)
        {
            throw new ArgumentException($"{modelDirectory}: no recipe.json names the data it was trained on; pass --dataset NAME (see `ae datasets`).");
        }

        return source;
    }
}
