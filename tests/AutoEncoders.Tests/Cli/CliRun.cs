using AutoEncoders.Cli;

namespace AutoEncoders.Tests.Cli;

/// <summary>Runs the `ae` command in-process and captures what it prints.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs `ae <paramref name="args"/>`.</summary>
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = AeApplication.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
