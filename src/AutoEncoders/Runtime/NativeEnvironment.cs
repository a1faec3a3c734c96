using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>
/// The C library's environment, which native libraries (libtorch, oneDNN) read with getenv. On Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> changes only .NET's own copy.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>
    /// Sets <paramref name="name"/> to <paramref name="value"/> unless the user already gave it a non-empty value
    /// (in either environment); returns the value in force, or null if it could not be set.
    /// </summary>
    public static string? SetDefault(string name, string value)
    {
        string? existing = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrEmpty(existing))
        {
            return existing;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            return SetEnv(name, value, overwrite: 1) == 0 ? value : null;
        }

        Environment.SetEnvironmentVariable(name, value);
        return value;
    }

    /// <summary>The value native code reads for <paramref name="name"/> (the C library's getenv on Unix), or null.</summary>
    public static string? Get(string name) =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Marshal.PtrToStringUTF8(GetEnv(name)) : Environment.GetEnvironmentVariable(name);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    /// <summary>POSIX setenv: 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
