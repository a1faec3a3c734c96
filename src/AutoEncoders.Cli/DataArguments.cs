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
    public TensorDataset LoadFor(ParseResult parse, CommonOptions common, string modelDirectory, TextWriter log) =>
        Load(parse, common.DatasetOptions(parse, log), RunDataSource.Recorded(modelDirectory));

    /// <summary>Loads the data named on the command line, or <paramref name="fallback"/>'s split when none is named.</summary>
    public TensorDataset Load(ParseResult parse, DatasetOptions options, DataSource? fallback)
    {
        string? images = parse.GetValue(Images);
        string? dataset = parse.GetValue(Dataset);
        DataSource source = images is not null
            ? new DataSource { TrainImages = images, TrainLabels = parse.GetValue(Labels), TestImages = images, TestLabels = parse.GetValue(Labels) }
            : dataset is not null
                ? new DataSource { Dataset = dataset }
                : fallback ?? throw new ArgumentException("No data given: pass --dataset NAME (see `ae datasets`) or --images FILE [--labels FILE].");
        return RunDataSource.Load(source, parse.GetValue(Split), options, parse.GetValue(Limit));
    }
}
