using System.Diagnostics;
using System.Reflection;
using AutoEncoders.Build;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests.Packaging;

/// <summary>
/// The two packages made by scripts/pack.sh in a fresh feed folder outside the repository, with a prerelease version
/// of their own (so that no copy of an earlier pack in the NuGet cache can stand in for them), and the `ae` tool
/// installed from that feed. Everything lives under one temporary folder, deleted with the cached copies of that
/// version when the tests are done.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    /// <summary>Time limit of one dotnet command (restore, build, run, install).</summary>
    public static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(4);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Packs, installs the tool and records what `ae info` says while the tool's libstdc++ step is off.</summary>
    public PackageFeed()
    {
        Root = Directory.CreateTempSubdirectory("ae-package-").FullName;
        Release = typeof(TorchRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+', '-')[0];
        Version = $"{Release}-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        try
        {
            // The test run has just built the projects in Release; a Debug test run packs from a Release build of its own.
            string[] noBuild = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? ["--no-build"] : [];
            Run("bash", [Path.Combine(RepositoryFolder.Root, "scripts", "pack.sh"), "--feed", Feed, "--version-suffix", Version[(Release.Length + 1)..], .. noBuild], RepositoryFolder.Root);
            PackSeconds = _clock.Elapsed.TotalSeconds;
            Console.WriteLine($"packed {Version} in {PackSeconds:F0} s");

            Run("dotnet", ["tool", "install", "AutoEncoders.Cli", "--tool-path", ToolPath, "--add-source", Feed, "--version", Version], Root);
            InstalledLibTorchSharp = Directory.GetFiles(Path.Combine(ToolPath, ".store"), "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
            InstalledCopyAsPackaged = File.ReadAllBytes(InstalledLibTorchSharp);
            Console.WriteLine($"installed the tool {_clock.Elapsed.TotalSeconds - PackSeconds:F0} s later");
            InfoWithoutCompat = ChildProcess.Run(Ae, ["info"], CommandLimit, Root, new Dictionary<string, string?> { ["AE_SKIP_LIBTORCHSHARP_COMPAT"] = "true" });
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>TorchSharp's native wrapper as its package ships it, in the NuGet cache.</summary>
    public static string UpstreamLibTorchSharp { get; } = Path.Combine(PackagesFolder, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>Whether this system's libstdc++ lacks the version TorchSharp's wrapper asks for (so the compatibility step must act).</summary>
    public static bool SystemNeedsCompat { get; } =
        ElfVersionPatcher.FindSystemLibStdCxx() is string libstdcxx && !ElfVersionPatcher.ReadDefinedVersions(libstdcxx).Contains("GLIBCXX_3.4.32");

    /// <summary>The temporary folder, outside the repository, that holds everything.</summary>
    public string Root { get; }

    /// <summary>The version the repository sets (Directory.Build.props), e.g. 0.1.0: the assemblies carry it.</summary>
    public string Release { get; }

    /// <summary>The package version: <see cref="Release"/> with a suffix of this run, e.g. 0.1.0-ci.20261206143000.1234.</summary>
    public string Version { get; }

    /// <summary>The local feed folder.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Where `dotnet tool install --tool-path` put the tool.</summary>
    public string ToolPath => Path.Combine(Root, "tools");

    /// <summary>The installed `ae` command.</summary>
    public string Ae => Path.Combine(ToolPath, "ae");

    /// <summary>The installed tool's libLibTorchSharp.so.</summary>
    public string InstalledLibTorchSharp { get; } = "";

    /// <summary>The installed tool's libLibTorchSharp.so before the tool ever ran.</summary>
    public byte[] InstalledCopyAsPackaged { get; } = [];

    /// <summary>`ae info` run once with AE_SKIP_LIBTORCHSHARP_COMPAT=true, before any other run of the tool.</summary>
    public (int ExitCode, string Output, string Error) InfoWithoutCompat { get; }

    /// <summary>Seconds scripts/pack.sh took.</summary>
    public double PackSeconds { get; }

    /// <summary>Seconds since the fixture started.</summary>
    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    private static string PackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// Runs a command as a user would: no MSBuild state inherited from the test host, no build servers left running.
    /// </summary>
    public static (int ExitCode, string Output, string Error) Run(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? extra = null, bool check = true)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["UseSharedCompilation"] = "false",
        };
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && n != "MSBUILDDISABLENODEREUSE"))
        {
            environment[name] = null;
        }

        foreach ((string name, string? value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        List<string> list = [.. arguments];
        var result = ChildProcess.Run(program, list, CommandLimit, workingDirectory, environment);
        if (check && result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"`{program} {string.Join(' ', list)}` in {workingDirectory} exited with {result.ExitCode}:\n{result.Output}\n{result.Error}");
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Hundreds of MB: the tool package and the installed tool, the consumers' outputs.
        DeleteFolder(Root);
        DeleteFolder(Path.Combine(PackagesFolder, "autoencoders", Version.ToLowerInvariant()));
        DeleteFolder(Path.Combine(PackagesFolder, "autoencoders.cli", Version.ToLowerInvariant()));
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Still in use elsewhere; the system cleans its temp folder.
        }
    }
}
