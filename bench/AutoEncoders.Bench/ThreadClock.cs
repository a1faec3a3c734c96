using System.Runtime.InteropServices;

namespace AutoEncoders.Bench;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)). At one thread the training step
/// runs on the calling thread, so rates from this clock do not count time spent waiting for a core on a shared
/// machine; Python's time.thread_time() reads the same clock for the peer.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Seconds of CPU time this thread has used, or NaN where the clock is missing.</summary>
    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) == 0 ? t.Seconds + (t.Nanoseconds * 1e-9) : double.NaN;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
