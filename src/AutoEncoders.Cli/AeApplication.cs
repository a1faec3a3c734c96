using System.CommandLine;
using AutoEncoders.Cli.Commands;
using AutoEncoders.Data;
using AutoEncoders.Runtime;

namespace AutoEncoders.Cli;

/// <summary>Builds the `ae` command tree and runs it, turning known failures into one-line errors.</summary>
public static class AeApplication
{
    /// <summary>Exit code for a refused input or a failed operation.</summary>
    public const int Failure = 1;

    /// <summary>Exit code when libtorch cannot be loaded.</summary>
    public const int TorchUnavailable = 3;

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "ae: build, train, inspect and apply autoencoders (TorchSharp/libtorch).\n" +
            "Start with `ae datasets` to see the data, `ae train --recipe recipes/<name>.json` to train, and `ae <command> --help` for details.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(EncodeCommand.Create());
        root.Subcommands.Add(DecodeCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(SequenceAnomalyCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(InterpolateCommand.Create());
        root.Subcommands.Add(PretrainCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(ProbeCommand.Create());
        root.Subcommands.Add(IndexCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(ReduceCommand.Create());
        root.Subcommands.Add(DocumentsCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        RootCommand root = CreateRootCommand();
        ParseResult parsed = root.Parse(args);
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (TorchUnavailableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return TorchUnavailable;
        }
        catch (Exception e) when (e is DataFormatException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or InvalidOperationException or IOException or InvalidDataException or NotSupportedException)
        {
            error.WriteLine($"error: {OneLine(e)}");
            return Failure;
        }
    }

    // ArgumentException appends " (Parameter 'name')" to its message; the parameter means nothing at the shell.
    private static string OneLine(Exception e) =>
        e is ArgumentException { ParamName: string name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
}
