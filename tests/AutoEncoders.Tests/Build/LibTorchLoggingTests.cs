using System.Runtime.InteropServices;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests.Build;

public sealed class LibTorchLoggingTests
{
    [Fact]
    public void Libtorch_cpp_log_is_kept_to_errors_by_default()
    {
        Assert.Null(Environment.GetEnvironmentVariable("TORCH_CPP_LOG_LEVEL")); // the default applies only when unset
        TorchRuntime.EnsureLoaded();
        Assert.True(NativeLibrary.TryLoad("libc10.so", typeof(TorchRuntime).Assembly, null, out IntPtr c10));
        IntPtr level = NativeLibrary.GetExport(c10, "FLAGS_caffe2_log_level");

        Assert.Equal(2, Marshal.ReadInt32(level)); // c10: 0 INFO, 1 WARNING (libtorch's default), 2 ERROR
    }
}
