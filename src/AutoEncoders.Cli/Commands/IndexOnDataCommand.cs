using System.CommandLine;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The shape shared by the commands that apply a code index to a dataset (`ae index append`, `ae search`): an index
/// file argument, the data options and the runtime options; the index and the data are loaded before the action runs.
/// </summary>
internal static class IndexOnDataCommand
{
    public static Command Create(string name, string description, IEnumerable<Option> options, Func<IndexOnData, int> run) =>
        DataCommand.Create(name, description, new Argument<string>("index") { Description = "An index file written by `ae index build`." }, options, (parse, stdout, path, data, common) =>
        {
            using CodeIndex index = CodeIndex.Load(path);
            IndexSource source = IndexSource.Of(index, path);
            DatasetOptions datasetOptions = common.DatasetOptions(parse, stdout);
            using TensorDataset dataset = data.Load(parse, datasetOptions, null);
            return run(new IndexOnData(parse, stdout, path, index, source, dataset, data, datasetOptions));
        });
}
