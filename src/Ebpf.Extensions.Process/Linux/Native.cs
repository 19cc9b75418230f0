using System.Runtime.InteropServices;

namespace Ebpf.Extensions.Process.Linux;

/// <summary>The libc calls the process connector needs (x86-64 and arm64 Linux share these numbers).</summary>
internal static unsafe partial class Native
{
    public const int AfNetlink = 16;
    public const int SockDgram = 2;
    public const int SockCloexec = 0x80000;
    public const int NetlinkConnector = 11;
    public const int SolSocket = 1;
    public const int SoRcvbuf = 8;
    public const int SoRcvbufForce = 33;
    public const int MsgDontwait = 0x40;
    public const short PollIn = 1;
    public const int EfdCloexec = 0x80000;
    public const int EfdNonblock = 0x800;
    public const int ClockMonotonic = 1;
    public const int ClockBoottime = 7;

    public const int EPerm = 1;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENoBufs = 105;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSocketOption(int fd, int level, int name, int* value, int length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint ReadLink(string path, byte* buffer, nint size);

    public const int PrioProcess = 0;

    /// <summary>setpriority(2): with PRIO_PROCESS and a thread id, Linux sets that one thread's nice value.</summary>
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, int who, int nice);

    public const int SchedFifo = 1;

    /// <summary>sched_setscheduler(2): with a thread id, Linux sets that one thread's policy.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SetScheduler(int thread, int policy, int* priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial byte* RealPath(string path, byte* resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(void* pointer);

    /// <summary>The absolute path with every link resolved, or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        byte* resolved = RealPath(path, null);
        if (resolved == null) return null;
        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    /// <summary>Nanoseconds on <paramref name="clock"/>.</summary>
    public static long Now(int clock)
    {
        TimeSpec t;
        ClockGetTime(clock, &t);
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
