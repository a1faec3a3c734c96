using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli.Commands;

/// <summary>What a <see cref="ModelOnDataCommand"/> hands its action: the parsed line, the output, the loaded model and data.</summary>
internal sealed record ModelOnData(ParseResult Parse, TextWriter Output, TrainedAutoencoder Model, TensorDataset Data);
