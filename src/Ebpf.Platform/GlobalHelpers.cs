using System.Collections.Frozen;
using System.Collections.Immutable;
using static Ebpf.Platform.ArgumentType;
using static Ebpf.Platform.ReturnType;

namespace Ebpf.Platform;

/// <summary>
/// The core prototypes of the global helpers 1-35, with the ids and registered names of eBPF for Windows
/// (<c>ebpf_general_helpers.c</c>). These prototypes are the ones hashed, even where an extension overrides
/// the implementation.
/// </summary>
public static class GlobalHelpers
{
    /// <summary>Global helper ids are below 65536; type-specific helpers start there.</summary>
    public const uint MaxGlobalHelperId = 0xFFFF;

    public const uint MapLookupElem = 1;
    public const uint MapUpdateElem = 2;
    public const uint MapDeleteElem = 3;
    public const uint MapLookupAndDeleteElem = 4;
    public const uint TailCall = 5;
    public const uint GetPrandomU32 = 6;
    public const uint KtimeGetBootNs = 7;
    public const uint GetSmpProcessorId = 8;
    public const uint KtimeGetNs = 9;
    public const uint CsumDiff = 10;
    public const uint RingbufOutput = 11;
    public const uint TracePrintk2 = 12;
    public const uint TracePrintk3 = 13;
    public const uint TracePrintk4 = 14;
    public const uint TracePrintk5 = 15;
    public const uint MapPushElem = 16;
    public const uint MapPopElem = 17;
    public const uint MapPeekElem = 18;
    public const uint GetCurrentPidTgid = 19;
    public const uint GetCurrentLogonId = 20;
    public const uint IsCurrentAdmin = 21;
    public const uint Memcpy = 22;
    public const uint Memcmp = 23;
    public const uint Memset = 24;
    public const uint Memmove = 25;
    public const uint GetSocketCookie = 26;
    public const uint StrncpyS = 27;
    public const uint StrncatS = 28;
    public const uint StrnlenS = 29;
    public const uint KtimeGetBootMs = 30;
    public const uint KtimeGetMs = 31;
    public const uint PerfEventOutput = 32;
    public const uint GetCurrentProcessStartKey = 33;
    public const uint GetCurrentThreadCreateTime = 34;
    public const uint RedirectMap = 35;

    public static ImmutableArray<HelperPrototype> All { get; } =
    [
        new(MapLookupElem, "bpf_map_lookup_elem", PtrToMapValueOrNull, PtrToMap, PtrToMapKey),
        new(MapUpdateElem, "bpf_map_update_elem", Integer, PtrToMap, PtrToMapKey, PtrToMapValue, Anything) { ModifiesMap = true },
        new(MapDeleteElem, "bpf_map_delete_elem", Integer, PtrToMap, PtrToMapKey) { ModifiesMap = true },
        new(MapLookupAndDeleteElem, "bpf_map_lookup_and_delete_elem", PtrToMapValueOrNull, PtrToMap, PtrToMapKey),
        new(TailCall, "bpf_tail_call", IntegerOrNoReturnIfSucceed, PtrToCtx, PtrToMapOfPrograms, Anything),
        new(GetPrandomU32, "bpf_get_prandom_u32", Integer),
        new(KtimeGetBootNs, "bpf_ktime_get_boot_ns", Integer),
        new(GetSmpProcessorId, "bpf_get_smp_processor_id", Integer),
        new(KtimeGetNs, "bpf_ktime_get_ns", Integer),
        new(CsumDiff, "bpf_csum_diff", Integer, PtrToReadableMemOrNull, ConstSizeOrZero, PtrToReadableMemOrNull, ConstSizeOrZero, Anything),
        new(RingbufOutput, "bpf_ringbuf_output", Integer, PtrToMap, PtrToReadableMem, ConstSize, Anything),
        new(TracePrintk2, "bpf_trace_printk2", Integer, PtrToReadableMem, ConstSize),
        new(TracePrintk3, "bpf_trace_printk3", Integer, PtrToReadableMem, ConstSize, Anything),
        new(TracePrintk4, "bpf_trace_printk4", Integer, PtrToReadableMem, ConstSize, Anything, Anything),
        new(TracePrintk5, "bpf_trace_printk5", Integer, PtrToReadableMem, ConstSize, Anything, Anything, Anything),
        new(MapPushElem, "bpf_map_push_elem", Integer, PtrToMap, PtrToMapValue, Anything) { ModifiesMap = true },
        new(MapPopElem, "bpf_map_pop_elem", Integer, PtrToMap, PtrToMapValue) { WritesMapValue = true, ModifiesMap = true },
        new(MapPeekElem, "bpf_map_peek_elem", Integer, PtrToMap, PtrToMapValue) { WritesMapValue = true },
        new(GetCurrentPidTgid, "bpf_get_current_pid_tgid", Integer),
        new(GetCurrentLogonId, "bpf_get_current_logon_id", Integer, PtrToCtx),
        new(IsCurrentAdmin, "bpf_is_current_admin", Integer, PtrToCtx),
        new(Memcpy, "bpf_memcpy", Integer, PtrToWritableMem, ConstSizeOrZero, PtrToReadableMem, ConstSizeOrZero),
        new(Memcmp, "bpf_memcmp", Integer, PtrToReadableMem, ConstSizeOrZero, PtrToReadableMem, ConstSizeOrZero),
        new(Memset, "bpf_memset", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        new(Memmove, "bpf_memmove", Integer, PtrToWritableMem, ConstSizeOrZero, PtrToReadableMem, ConstSizeOrZero),
        new(GetSocketCookie, "bpf_get_socket_cookie", Integer, PtrToCtx),
        new(StrncpyS, "bpf_strncpy_s", Integer, PtrToWritableMem, ConstSizeOrZero, PtrToReadableMem, ConstSizeOrZero),
        new(StrncatS, "bpf_strncat_s", Integer, PtrToWritableMem, ConstSizeOrZero, PtrToReadableMem, ConstSizeOrZero),
        new(StrnlenS, "bpf_strnlen_s", Integer, PtrToReadableMem, ConstSizeOrZero),
        new(KtimeGetBootMs, "bpf_ktime_get_boot_ms", Integer),
        new(KtimeGetMs, "bpf_ktime_get_ms", Integer),
        new(PerfEventOutput, "bpf_perf_event_output", Integer, PtrToCtx, PtrToMap, Anything, PtrToReadableMem, ConstSize),
        new(GetCurrentProcessStartKey, "bpf_get_current_process_start_key", Integer),
        new(GetCurrentThreadCreateTime, "bpf_get_current_thread_create_time", Integer),
        new(RedirectMap, "bpf_redirect_map", Integer, PtrToMap, Anything, Anything),
    ];

    private static readonly FrozenDictionary<uint, HelperPrototype> ById = All.ToFrozenDictionary(h => h.Id);

    /// <summary>Global helpers that have no core implementation: an extension must override them.</summary>
    private static readonly FrozenSet<uint> WithoutCoreImplementation = new uint[] { GetSocketCookie, RedirectMap }.ToFrozenSet();

    public static HelperPrototype? Find(uint id) => ById.GetValueOrDefault(id);

    public static bool HasCoreImplementation(uint id) => ById.ContainsKey(id) && !WithoutCoreImplementation.Contains(id);
}
