using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// Facts about the calling process and thread that helpers 19-21, 33 and 34 report, in their user-mode meaning.
/// Per-thread facts are cached in thread statics (a thread's id and creation time never change); per-process ones once.
/// </summary>
public static unsafe partial class HostIdentity
{
    private const ulong FileTimeTicksPerSecond = 10_000_000;
    private const int ScClockTick = 2; // _SC_CLK_TCK on Linux
    /// <summary>Linux pid_max is at most 2^22, so a pid fits in the low 22 bits of the process start key.</summary>
    private const int PidBits = 22;

    [ThreadStatic] private static uint t_threadId;
    [ThreadStatic] private static ulong t_threadCreateTime;

    private static readonly Lazy<ulong> s_processStartKey = new(ComputeProcessStartKey);
    private static readonly Lazy<ulong> s_logonId = new(ComputeLogonId);

    /// <summary>The OS id of the calling thread (gettid on Linux, GetCurrentThreadId on Windows), else the managed id.</summary>
    public static uint CurrentThreadId
    {
        get
        {
            uint id = t_threadId;
            if (id == 0) t_threadId = id = ComputeThreadId();
            return id;
        }
    }

    /// <summary>Creation time of the calling thread as a FILETIME (100 ns since 1601-01-01 UTC).</summary>
    public static ulong CurrentThreadCreateTime
    {
        get
        {
            ulong time = t_threadCreateTime;
            if (time == 0) t_threadCreateTime = time = ComputeThreadCreateTime();
            return time;
        }
    }

    /// <summary>
    /// A key unique to this process within this boot: its start time (Linux: clock ticks since boot; elsewhere:
    /// milliseconds since 1601) in the high bits and its process id in the low 22 bits.
    /// </summary>
    public static ulong ProcessStartKey => s_processStartKey.Value;

    /// <summary>
    /// The logon session of the process: the token's authentication id on Windows, the audit session id
    /// (/proc/self/sessionid) on Linux; 0 when there is none or it cannot be read.
    /// </summary>
    public static ulong LogonId => s_logonId.Value;

    /// <summary>1 when the process runs elevated (Windows) or as root (Unix), else 0.</summary>
    public static ulong IsAdministrator => Environment.IsPrivilegedProcess ? 1UL : 0UL;

    private static uint ComputeThreadId()
    {
        try
        {
            if (OperatingSystem.IsLinux()) return (uint)GetTid();
            if (OperatingSystem.IsWindows()) return GetCurrentThreadId();
        }
        catch (EntryPointNotFoundException)
        {
            // Old C libraries lack gettid: fall through to the managed id.
        }
        return (uint)Environment.CurrentManagedThreadId;
    }

    private static ulong ComputeThreadCreateTime()
    {
        if (OperatingSystem.IsLinux() && StartTicksFromProc($"/proc/self/task/{CurrentThreadId}/stat") is { } ticks)
            return BootFileTime() + ticks * FileTimeTicksPerSecond / ClockTicksPerSecond();
        if (OperatingSystem.IsWindows() && GetThreadTimes(GetCurrentThread(), out long creation, out _, out _, out _))
            return (ulong)creation;
        // No per-thread record: the process start bounds the thread's creation from below.
        return (ulong)Process.GetCurrentProcess().StartTime.ToFileTimeUtc();
    }

    private static ulong ComputeProcessStartKey()
    {
        ulong pid = (uint)Environment.ProcessId & ((1u << PidBits) - 1);
        if (OperatingSystem.IsLinux() && StartTicksFromProc("/proc/self/stat") is { } ticks)
            return ticks << PidBits | pid;
        ulong milliseconds = (ulong)Process.GetCurrentProcess().StartTime.ToFileTimeUtc() / 10_000;
        return milliseconds << PidBits | pid;
    }

    private static ulong ComputeLogonId()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // 4294967295 means "no audit session".
                var text = File.ReadAllText("/proc/self/sessionid").Trim();
                return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint id) && id != uint.MaxValue ? id : 0;
            }
            if (OperatingSystem.IsWindows()) return WindowsAuthenticationId();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>The authentication id (a LUID) of the process token, from TOKEN_STATISTICS.</summary>
    private static ulong WindowsAuthenticationId()
    {
        const uint TokenQuery = 0x0008;
        const int TokenStatistics = 10;
        const int TokenStatisticsSize = 56; // TOKEN_STATISTICS; AuthenticationId is the LUID at offset 8
        if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out nint token)) return 0;
        try
        {
            byte* buffer = stackalloc byte[TokenStatisticsSize];
            if (!GetTokenInformation(token, TokenStatistics, buffer, TokenStatisticsSize, out _)) return 0;
            uint low = *(uint*)(buffer + 8);
            int high = *(int*)(buffer + 12);
            return (ulong)(uint)high << 32 | low;
        }
        finally
        {
            CloseHandle(token);
        }
    }

    /// <summary>Field 22 (starttime, clock ticks since boot) of a /proc stat file; null when unreadable.</summary>
    internal static ulong? StartTicksFromProc(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return ParseStartTicks(text);
    }

    /// <summary>Field 22 of a /proc/[pid]/stat line. The command (field 2) may contain spaces and parentheses,
    /// so fields are counted after its last closing parenthesis (which ends field 2).</summary>
    internal static ulong? ParseStartTicks(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int StartTimeIndex = 22 - 3; // fields after ')' start at field 3
        return fields.Length > StartTimeIndex &&
               ulong.TryParse(fields[StartTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks)
            ? ticks
            : null;
    }

    /// <summary>The boot instant as a FILETIME: now minus the time since boot (suspend included, like starttime).</summary>
    private static ulong BootFileTime() => (ulong)DateTime.UtcNow.ToFileTimeUtc() - HostClock.BootNanoseconds() / 100;

    private static ulong ClockTicksPerSecond()
    {
        long ticks = SysConf(ScClockTick);
        return ticks > 0 ? (ulong)ticks : 100;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    [LibraryImport("kernel32.dll")]
    private static partial uint GetCurrentThreadId();

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentThread();

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentProcess();

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(nint handle);

    [LibraryImport("advapi32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool OpenProcessToken(nint process, uint access, out nint token);

    [LibraryImport("advapi32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetTokenInformation(nint token, int informationClass, void* information, int length, out int returnLength);
}
