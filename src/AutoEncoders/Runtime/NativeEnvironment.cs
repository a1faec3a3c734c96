using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>The C library's environment, which native libraries (libtorch, oneDNN) read with getenv.</summary>
internal static partial class NativeEnvironment
{
    /// <summary>POSIX setenv: 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetEnv(string name, string value, int overwrite);
}
