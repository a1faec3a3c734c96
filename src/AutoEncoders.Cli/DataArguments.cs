using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli;

/// <summary>Options that pick a dataset for a command: a catalog dataset and split, or explicit IDX files.</summary>
internal sealed class DataArguments
{
    public Option<string?> Dataset { get; } = new("--dataset") { Description = "Catalog dataset: mnist, fashion-mnist or kmnist (see `ae datasets`)." };

    public Option<DatasetSplit> Split { get; } = new("--split") { Description = "Which split of the catalog dataset.", DefaultValueFactory = _ => DatasetSplit.Test };

    public Option<string?> Images { get; } = new("--images") { Description = "An IDX images file (raw or .gz) instead of a catalog dataset." };

    public Option<string?> Labels { get; } = new("--labels") { Description = "The IDX labels file that goes with --images." };

    public Option<long?> Limit { get; } = new("--limit") { Description = "Use only the first N samples." };

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Split);
        command.Options.Add(Images);
        command.Options.Add(Labels);
        command.Options.Add(Limit);
    }

    /// <summary>
    /// The data named on the command line for a model directory, or the test split of the recipe the model was
    /// trained with when the directory is a run directory and nothing is named.
    /// </summary>
    public TensorDataset LoadFor(ParseResult parse, CommonOptions common, string modelDirectory, TextWriter log)
    {
        DataSource? recipeData = File.Exists(Path.Combine(modelDirectory, RunDirectory.RecipeFile))
            ? RunDirectory.Open(modelDirectory).LoadRecipe().Data
            : null;
        return Load(parse, common.DatasetOptions(parse, log), recipeData);
    }

    /// <summary>Loads the data named on the command line, or <paramref name="fallback"/>'s test split when none is named.</summary>
    public TensorDataset Load(ParseResult parse, DatasetOptions options, DataSource? fallback)
    {
        string? images = parse.GetValue(Images);
        string? dataset = parse.GetValue(Dataset);
        long? limit = parse.GetValue(Limit);
        DatasetSplit split = parse.GetValue(Split);
        if (images is not null)
        {
            return DataSourceLoader.Limit(IdxDataset.Load(images, parse.GetValue(Labels), name: Path.GetFileName(images)), limit);
        }

        if (dataset is not null)
        {
            return DataSourceLoader.Limit(DatasetCatalog.Default.Load(dataset, split, options), limit);
        }

        if (fallback is not null)
        {
            return DataSourceLoader.Limit(DataSourceLoader.Load(fallback, split, options), limit ?? (split == DatasetSplit.Test ? fallback.TestLimit : fallback.TrainLimit));
        }

        throw new ArgumentException("No data given: pass --dataset NAME (see `ae datasets`) or --images FILE [--labels FILE].");
    }
}
