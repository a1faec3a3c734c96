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
        string[] isolation =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0", $"--user-data-dir={profile}",
        ];
        return ChildProcess.Run(Locate(), isolation.Concat(arguments), TimeSpan.FromSeconds(120));
    }
}
