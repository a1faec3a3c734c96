using System.Diagnostics;
using System.Text;

namespace AutoEncoders.Tests.Cli;

/// <summary>
/// Runs the built `ae` (ae.dll beside the test assembly, started with `dotnet`) as a separate process, for what an
/// in-process run cannot show: kill -9, signals, and two commands racing for one file.
/// </summary>
public sealed class AeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private AeProcess(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts `ae <paramref name="args"/>`.</summary>
    public static AeProcess Start(params string[] args)
    {
        // The dotnet running the tests where the test host says which; the CLI built next to this test assembly.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ae.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // What the user sees: no AE_DEBUG stack traces inherited from the developer's shell; one OpenMP thread.
        start.Environment["AE_DEBUG"] = null;
        start.Environment["OMP_NUM_THREADS"] = "1";

        return new AeProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs `ae <paramref name="args"/>` to the end (at most <paramref name="timeoutSeconds"/>).</summary>
    public static CliRun Run(int timeoutSeconds, params string[] args)
    {
        using AeProcess process = Start(args);
        return process.WaitForExit(timeoutSeconds);
    }

    /// <summary>Waits for the process to end and returns its exit code and output.</summary>
    public CliRun WaitForExit(int timeoutSeconds)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ae did not finish within {timeoutSeconds} s");
        }

        return new CliRun(_process.ExitCode, _output.Result, _error.Result);
    }

    /// <summary>Sends SIGKILL (kill -9): no handler runs, nothing is flushed.</summary>
    public void KillHard()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM through the system's `kill`.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
