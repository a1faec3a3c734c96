using System.Diagnostics;
using System.Text;

namespace AutoEncoders.Tests.Visualization;

/// <summary>Debian's chromium, run headless with a fresh profile and no network use, for checking HTML reports as a browser renders them.</summary>
internal static class Chromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>The browser's path; fails the test with the install command when there is none.</summary>
    public static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("AE_CHROMIUM");
        string? path = !string.IsNullOrEmpty(fromEnvironment) ? fromEnvironment : Candidates.FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
        {
            throw new Xunit.Sdk.XunitException(
                "Chromium is not installed, and the report must be checked in a real browser: install Debian's chromium (apt-get install -y chromium; .ci/run does this) or set AE_CHROMIUM to a Chromium binary.");
        }

        return path;
    }

    /// <summary>Runs chromium headless on <paramref name="arguments"/> plus the standard isolation flags; returns (exit code, stdout, stderr).</summary>
    public static (int ExitCode, string Output, string Error) Run(string profile, params string[] arguments)
    {
        var start = new ProcessStartInfo(Locate())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => error.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within 120 s; stderr so far:\n{error}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.ToString(), error.ToString());
    }
}
