using System.Runtime.InteropServices;

namespace AutoEncoders.Runtime;

/// <summary>
/// glibc's allocator settings for libtorch's tensors. By default glibc serves blocks above a (dynamic) threshold
/// with fresh <c>mmap</c> pages and returns freed memory at the top of the heap to the system, so a training step
/// that frees and re-allocates the same multi-megabyte activations every step page-faults them in again each time:
/// 25-30 % of conv-keras's step was spent in the kernel zeroing new pages (perf, 2026-12-06). Keeping freed blocks
/// (up to 32 MB each) in the heap removes that cost; the peak resident memory is unchanged, it is only not handed
/// back between steps.
/// </summary>
internal static partial class NativeHeap
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int MmapThresholdBytes = 32 << 20; // glibc's largest allowed value on 64-bit systems
    private const int TrimThresholdBytes = 1 << 30;

    /// <summary>
    /// Applies the settings on Linux with glibc unless the user set glibc's own variables
    /// (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_) or AE_KEEP_HEAP=0; returns whether they were applied.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("AE_KEEP_HEAP") == "0"
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_")))
        {
            return false;
        }

        try
        {
            return MallOpt(MmapThreshold, MmapThresholdBytes) == 1 && MallOpt(TrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // not glibc
        }
    }

    /// <summary>glibc's mallopt: 1 on success.</summary>
    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
