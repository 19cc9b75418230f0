using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The helpers that report the environment: random numbers (6), clocks (7, 9, 30, 31), the processor slot (8), and
/// the calling process and thread (19, 20, 21, 33, 34) in their user-mode meaning.
/// </summary>
public static class UtilityHelpers
{
    /// <summary>bpf_get_prandom_u32 (6).</summary>
    public static ulong GetPrandomU32(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        (uint)Random.Shared.NextInt64();

    /// <summary>bpf_ktime_get_boot_ns (7): ns since boot, suspend included.</summary>
    public static ulong KtimeGetBootNs(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostClock.BootNanoseconds();

    /// <summary>bpf_get_smp_processor_id (8): the invocation's processor slot.</summary>
    public static ulong GetSmpProcessorId(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        (ulong)(call.State is InvocationState state ? state.Processor : ProcessorSlots.Current);

    /// <summary>bpf_ktime_get_ns (9): ns since boot, suspend excluded.</summary>
    public static ulong KtimeGetNs(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostClock.MonotonicNanoseconds();

    /// <summary>bpf_get_current_pid_tgid (19): (process id &lt;&lt; 32) | OS thread id.</summary>
    public static ulong GetCurrentPidTgid(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        (ulong)(uint)Environment.ProcessId << 32 | HostIdentity.CurrentThreadId;

    /// <summary>bpf_get_current_logon_id (20): the logon session of the process, or 0.</summary>
    public static ulong GetCurrentLogonId(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostIdentity.LogonId;

    /// <summary>bpf_is_current_admin (21): 1 when the process is elevated/root, 0 when not.</summary>
    public static ulong IsCurrentAdmin(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostIdentity.IsAdministrator;

    /// <summary>bpf_ktime_get_boot_ms (30): ms since boot, suspend included (coarse).</summary>
    public static ulong KtimeGetBootMs(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostClock.BootMilliseconds();

    /// <summary>bpf_ktime_get_ms (31): ms since boot, suspend excluded (coarse).</summary>
    public static ulong KtimeGetMs(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostClock.MonotonicMilliseconds();

    /// <summary>bpf_get_current_process_start_key (33): a key unique to this process within this boot.</summary>
    public static ulong GetCurrentProcessStartKey(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostIdentity.ProcessStartKey;

    /// <summary>bpf_get_current_thread_create_time (34): the calling thread's creation time as a FILETIME.</summary>
    public static ulong GetCurrentThreadCreateTime(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        HostIdentity.CurrentThreadCreateTime;
}
