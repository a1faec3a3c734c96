using System.CommandLine;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// What an <see cref="IndexOnDataCommand"/> hands its action: the parsed line, the output, the index file's path, the
/// loaded index and how its codes were made, the data named on the command line, the data options (for the data
/// names) and the dataset options they were loaded with.
/// </summary>
internal sealed record IndexOnData(ParseResult Parse, TextWriter Output, string Path, CodeIndex Index, IndexSource Source, TensorDataset Data, DataArguments DataArguments, DatasetOptions DatasetOptions);
