using System.Globalization;
using System.Runtime.InteropServices;
using AutoEncoders.Build;

namespace AutoEncoders.Runtime;

/// <summary>
/// Makes the libLibTorchSharp.so beside the application loadable where this system's libstdc++ lacks a version that
/// only a link-time marker asks for (Debian 12): the patch the package's build step applies to a consumer's output
/// (build/LibTorchSharpCompat.cs), applied here to what is actually installed (the ae tool's package holds the file
/// as TorchSharp published it). Runs once per installation: a marker beside the file (or in the user's cache when
/// the folder is read-only) records the file and the libstdc++ it was checked against, by size and time, so later
/// starts cost two file lookups instead of reading both libraries.
/// </summary>
/// <remarks>
/// Two processes starting at once both find no marker and both check; each writes through a file of its own and a
/// rename (the patched library and the marker alike), so either result is whole and both are the same.
/// </remarks>
internal static class LibTorchSharpCompatibility
{
    /// <summary>Set to "true" or "1" to leave the file alone (the counterpart of MSBuild's AeSkipLibTorchSharpCompat).</summary>
    public const string SkipVariable = "AE_SKIP_LIBTORCHSHARP_COMPAT";

    /// <summary>The marker's name beside the library: its content is <see cref="Fingerprint"/>.</summary>
    public const string MarkerSuffix = ".ae-checked";

    private const string FileName = "libLibTorchSharp.so";

    /// <summary>
    /// Checks (and where needed patches) the libLibTorchSharp.so under <paramref name="baseDirectory"/>, unless a
    /// marker says this installation was already checked against this system's libstdc++; returns a one-line note
    /// when it changed the file, else null. A file that cannot be written is left alone: libtorch's load then fails
    /// with <see cref="TorchRuntime"/>'s one-sentence cause.
    /// </summary>
    public static string? EnsureLoadable(string baseDirectory)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(SkipVariable) is "true" or "1")
        {
            return null;
        }

        string? path = Candidates(baseDirectory).FirstOrDefault(File.Exists);
        string? libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
        if (path is null || libstdcxx is null)
        {
            return null;
        }

        string[] markers = [path + MarkerSuffix, UserMarker(path)];
        if (markers.Any(m => ReadMarker(m) == Fingerprint(path, libstdcxx)))
        {
            return null;
        }

        string? note;
        try
        {
            PatchResult result = ElfVersionPatcher.Patch(path, "libstdc++.so.6", ElfVersionPatcher.ReadDefinedVersions(libstdcxx));
            note = result.Changed ? $"{path}: {result.Summary}" : null;
            if (result.Unsatisfiable.Count > 0)
            {
                return note; // nothing to remember: the load fails and says why
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }

        string fingerprint = Fingerprint(path, libstdcxx);
        _ = markers.Any(m => TryWriteMarker(m, fingerprint));
        return note;
    }

    /// <summary>Where libLibTorchSharp.so lies under an application folder: beside it (a build's output) or in its runtimes folder (a tool or package layout).</summary>
    internal static string[] Candidates(string baseDirectory) =>
    [
        Path.Combine(baseDirectory, FileName),
        Path.Combine(baseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName),
        Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", FileName),
    ];

    /// <summary>
    /// What the check depends on: the library's size and time (a patch or a new package changes them) and the
    /// system libstdc++ it was checked against, with its size and time (an upgrade changes them).
    /// </summary>
    internal static string Fingerprint(string library, string libstdcxx)
    {
        var lib = new FileInfo(library);
        FileSystemInfo std = File.ResolveLinkTarget(libstdcxx, returnFinalTarget: true) ?? new FileInfo(libstdcxx);
        var stdFile = new FileInfo(std.FullName);
        return string.Create(CultureInfo.InvariantCulture,
            $"1 {lib.Length} {lib.LastWriteTimeUtc.Ticks} {stdFile.FullName} {stdFile.Length} {stdFile.LastWriteTimeUtc.Ticks}");
    }

    // The marker for an installation whose folder this user cannot write, keyed by the library's full path.
    private static string UserMarker(string library)
    {
        string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        string key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(library))))[..16];
        return Path.Combine(cache, "autoencoders", $"libtorchsharp-{key}{MarkerSuffix}");
    }

    private static string? ReadMarker(string marker)
    {
        try
        {
            return File.Exists(marker) ? File.ReadAllText(marker).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool TryWriteMarker(string marker, string fingerprint)
    {
        string temporary = $"{marker}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllText(temporary, fingerprint + "\n");
            File.Move(temporary, marker, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            return false;
        }
    }
}
