using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The clocks behind bpf_ktime_get_*: time since boot including suspend ("boot" clocks) and excluding it. On Linux
/// these are CLOCK_BOOTTIME and CLOCK_MONOTONIC(_COARSE); on Windows the (unbiased) interrupt time, as eBPF for
/// Windows uses; elsewhere both fall back to <see cref="Stopwatch"/>, which excludes suspend.
/// </summary>
internal static unsafe partial class HostClock
{
    private const int ClockMonotonic = 1;
    private const int ClockMonotonicCoarse = 6;
    private const int ClockBootTime = 7;
    private const ulong NanosecondsPerInterruptTick = 100;

    /// <summary>Nanoseconds since boot, including time suspended (precise).</summary>
    public static ulong BootNanoseconds()
    {
        if (OperatingSystem.IsLinux()) return Linux(ClockBootTime);
        if (OperatingSystem.IsWindows())
        {
            QueryInterruptTimePrecise(out ulong ticks);
            return ticks * NanosecondsPerInterruptTick;
        }
        return StopwatchNanoseconds();
    }

    /// <summary>Nanoseconds since boot, excluding time suspended (precise).</summary>
    public static ulong MonotonicNanoseconds()
    {
        if (OperatingSystem.IsLinux()) return Linux(ClockMonotonic);
        if (OperatingSystem.IsWindows())
        {
            QueryUnbiasedInterruptTimePrecise(out ulong ticks);
            return ticks * NanosecondsPerInterruptTick;
        }
        return StopwatchNanoseconds();
    }

    /// <summary>Milliseconds since boot, including time suspended (coarse).</summary>
    public static ulong BootMilliseconds()
    {
        if (OperatingSystem.IsWindows())
        {
            QueryInterruptTime(out ulong ticks);
            return ticks / 10_000;
        }
        // Linux has no coarse boot-time clock; the precise one is cheap enough (vDSO).
        return BootNanoseconds() / 1_000_000;
    }

    /// <summary>Milliseconds since boot, excluding time suspended (coarse).</summary>
    public static ulong MonotonicMilliseconds()
    {
        if (OperatingSystem.IsLinux()) return Linux(ClockMonotonicCoarse) / 1_000_000;
        if (OperatingSystem.IsWindows())
        {
            QueryUnbiasedInterruptTime(out ulong ticks);
            return ticks / 10_000;
        }
        return StopwatchNanoseconds() / 1_000_000;
    }

    private static ulong Linux(int clock)
    {
        long* timespec = stackalloc long[2];
        if (ClockGetTime(clock, timespec) != 0) return StopwatchNanoseconds();
        return (ulong)timespec[0] * 1_000_000_000UL + (ulong)timespec[1];
    }

    private static ulong StopwatchNanoseconds() =>
        (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, long* timespec);

    [LibraryImport("api-ms-win-core-realtime-l1-1-1.dll")]
    private static partial void QueryInterruptTimePrecise(out ulong interruptTime);

    [LibraryImport("api-ms-win-core-realtime-l1-1-1.dll")]
    private static partial void QueryUnbiasedInterruptTimePrecise(out ulong unbiasedTime);

    [LibraryImport("api-ms-win-core-realtime-l1-1-1.dll")]
    private static partial void QueryInterruptTime(out ulong interruptTime);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryUnbiasedInterruptTime(out ulong unbiasedTime);
}
