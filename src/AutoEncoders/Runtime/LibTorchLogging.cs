using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>
/// Quietens libtorch's C++ log. On CPUs without NNPACK support libtorch writes "Could not initialize NNPACK" for every
/// convolution; the level is read from <c>TORCH_CPP_LOG_LEVEL</c> only by <c>c10::initLogging()</c>, which PyTorch
/// calls at import and TorchSharp never does, so it is called here once libc10 is loaded.
/// </summary>
internal static class LibTorchLogging
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void InitLogging();

    private const string InitLoggingSymbol = "_ZN3c1011initLoggingEv"; // c10::initLogging()

    /// <summary>Applies <c>TORCH_CPP_LOG_LEVEL</c> (default ERROR unless the user set it); best effort.</summary>
    public static void Apply()
    {
        _ = NativeEnvironment.SetDefault("TORCH_CPP_LOG_LEVEL", "ERROR");
        string library = OperatingSystem.IsWindows() ? "c10.dll" : OperatingSystem.IsMacOS() ? "libc10.dylib" : "libc10.so";
        if (NativeLibrary.TryLoad(library, typeof(LibTorchLogging).Assembly, null, out IntPtr handle)
            && NativeLibrary.TryGetExport(handle, InitLoggingSymbol, out IntPtr initLogging))
        {
            Marshal.GetDelegateForFunctionPointer<InitLogging>(initLogging)();
        }
    }
}
