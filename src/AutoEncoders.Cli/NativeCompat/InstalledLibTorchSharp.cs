using System.Runtime.InteropServices;
using AutoEncoders.Build;

namespace AutoEncoders.Cli.NativeCompat;

/// <summary>
/// The tool's own copy of TorchSharp's native wrapper, made loadable on first run where this system's libstdc++
/// lacks a version that only a link-time marker asks for (Debian 12): the same patch the library package's build
/// step applies to a consumer's output (build/LibTorchSharpCompat.cs). Where the system has the version, the file
/// is left as TorchSharp published it.
/// </summary>
/// <remarks>
/// The patch happens here rather than when the package is made because the package must not depend on the machine
/// that packed it, and a user's machine is the only place that knows whether it needs it.
/// </remarks>
public static class InstalledLibTorchSharp
{
    /// <summary>Set to "true" or "1" to leave the file alone (the counterpart of MSBuild's AeSkipLibTorchSharpCompat).</summary>
    public const string SkipVariable = "AE_SKIP_LIBTORCHSHARP_COMPAT";

    private const string FileName = "libLibTorchSharp.so";

    /// <summary>
    /// Patches the libLibTorchSharp.so under <paramref name="baseDirectory"/> when this system needs it and the
    /// file can be written; returns a one-line note when it changed the file, else null. A file that cannot be
    /// written is left alone: libtorch's load then fails with TorchRuntime's one-sentence cause.
    /// </summary>
    public static string? PatchIfNeeded(string baseDirectory)
    {
        string? skip = Environment.GetEnvironmentVariable(SkipVariable);
        if (!OperatingSystem.IsLinux() || skip is "true" or "1")
        {
            return null;
        }

        string? path = new[]
        {
            Path.Combine(baseDirectory, FileName),
            Path.Combine(baseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName),
            Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", FileName),
        }.FirstOrDefault(File.Exists);
        string? libstdcxx = ElfVersionPatcher.FindSystemLibStdCxx();
        if (path is null || libstdcxx is null)
        {
            return null;
        }

        try
        {
            PatchResult result = ElfVersionPatcher.Patch(path, "libstdc++.so.6", ElfVersionPatcher.ReadDefinedVersions(libstdcxx));
            return result.Changed ? $"{path}: {result.Summary}" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}
