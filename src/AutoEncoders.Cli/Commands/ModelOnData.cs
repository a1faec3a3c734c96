using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// What a <see cref="ModelOnDataCommand"/> hands its action: the parsed line, the output, the model directory and the
/// loaded model, the data (loaded when first asked for), and the runtime options (for the seed).
/// </summary>
internal sealed record ModelOnData(ParseResult Parse, TextWriter Output, string Directory, TrainedAutoencoder Model, Lazy<TensorDataset> LazyData, CommonOptions Common)
{
    /// <summary>The data named on the command line, or the run's test split; loaded on first use.</summary>
    public TensorDataset Data => LazyData.Value;
}
