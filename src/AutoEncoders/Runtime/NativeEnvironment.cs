using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>
/// The C library's environment, which native libraries (libtorch, oneDNN) read with getenv. On Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> changes only .NET's own copy.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> unless the user already did (in either environment).</summary>
    public static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = SetEnv(name, value, overwrite: 0);
        }
        else
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>POSIX setenv: 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);
}
