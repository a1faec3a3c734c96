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
        root.Subcommands.Add(FiltersCommand.Create());
        root.Subcommands.Add(IndexCommand.Create());
        root.Subcommands.Add(SearchCommand.Create());
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(ReduceCommand.Create());
        root.Subcommands.Add(DocumentsCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WeightsCommand.Create());
        root.Subcommands.Add(DocsCommand.Create());
        OptionBounds.AttachTo(root);
        return root;
    }

    /// <summary>The environment variable that, set to 1, makes an unexpected failure print its full exception after the error line.</summary>
    public const string DebugVariable = "AE_DEBUG";

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    /// <remarks>
    /// Every failure ends in exactly one line on <paramref name="error"/>, `error: ...`: a refused input or a failed
    /// operation (see <see cref="RefusalLine"/>) and, as a last resort, any other exception (a native libtorch
    /// failure, an exhausted memory, a denied access, a bug), named by its type and message. No stack trace reaches
    /// the user unless <see cref="DebugVariable"/> is set to 1.
    /// </remarks>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        try
        {
            RootCommand root = CreateRootCommand();
            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // System.CommandLine would print every error and the whole help; one line says what to fix.
                error.WriteLine($"error: {OptionBounds.Describe(parsed)}");
                return Failure;
            }

            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
            return parsed.Invoke(configuration);
        }
        catch (TorchUnavailableException e)
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            return TorchUnavailable;
        }
        catch (Exception e)
        {
            error.WriteLine(ErrorLine(e));
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
            {
                error.WriteLine(e.ToString());
            }

            return Failure;
        }
    }

    /// <summary>
    /// The one `error: ...` line for any exception: <see cref="RefusalLine"/> for a refusal, else the last resort,
    /// which names what failed (out of memory, libtorch, or the exception's type) and its first line.
    /// </summary>
    public static string ErrorLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // A failure inside a parallel loop or a reflective call arrives wrapped; the inner one is what failed.
        Exception e = exception is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && exception.InnerException is Exception inner
            ? inner
            : exception;
        return RefusalLine(e) ?? UnexpectedLine(e);
    }

    /// <summary>
    /// The `error: ...` line for an exception that refuses an input or reports a failed operation (the documented
    /// error types: <see cref="DataFormatException"/>, <see cref="InvalidDataException"/>, <see cref="ArgumentException"/>,
    /// <see cref="InvalidOperationException"/>, <see cref="IOException"/> with its file-not-found kinds,
    /// <see cref="UnauthorizedAccessException"/> and <see cref="NotSupportedException"/>); null for any other exception.
    /// </summary>
    public static string? RefusalLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is DataFormatException or InvalidDataException or ArgumentException or InvalidOperationException
            or IOException or UnauthorizedAccessException or NotSupportedException
            ? $"error: {OneLine(exception)}"
            : null;
    }

    // The last resort: what failed, in one line, and how to see more. Native libtorch failures (ExternalException)
    // carry a C++ backtrace after their first line; only that first line is kept.
    private static string UnexpectedLine(Exception e)
    {
        string what = e switch
        {
            OutOfMemoryException => "out of memory",
            System.Runtime.InteropServices.ExternalException => "libtorch failed",
            _ => $"unexpected {e.GetType().Name}",
        };
        return $"error: {what}: {OneLine(e.Message)} (set {DebugVariable}=1 to print the details)";
    }

    // ArgumentException appends " (Parameter 'name')" to its message; the parameter means nothing at the shell.
    private static string OneLine(Exception e) =>
        OneLine(e is ArgumentException { ParamName: string name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message);

    // A message of several lines (a native backtrace, a two-line ArgumentOutOfRange text) keeps its lines, joined.
    private static string OneLine(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length switch
        {
            0 => "(no message)",
            1 => lines[0],
            _ when lines[1].StartsWith("Exception raised from", StringComparison.Ordinal) => lines[0],
            _ => string.Join(" ", lines.TakeWhile(l => !l.StartsWith("Exception raised from", StringComparison.Ordinal))),
        };
    }
}
