using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>
/// Sets variables in the native process environment, where libtorch reads them. On Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string?)"/> changes only .NET's own copy.
/// </summary>
internal static class NativeEnvironment
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
            _ = SetEnv(NullTerminated(name), NullTerminated(value), overwrite: 0);
        }
        else
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnv(byte[] name, byte[] value, int overwrite);

    private static byte[] NullTerminated(string text) => System.Text.Encoding.UTF8.GetBytes(text + '\0');
}
