using System.Runtime.InteropServices;

namespace Ebpf.Benchmarks;

/// <summary>
/// CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)). The kernel's BPF_PROG_TEST_RUN leaves
/// out the time it was rescheduled; on a shared, loaded machine wall-clock time here would not be comparable.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double NowNanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0) throw new InvalidOperationException("clock_gettime failed");
        return time.Seconds * 1e9 + time.Nanoseconds;
    }
}
