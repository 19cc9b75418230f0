namespace Ebpf.Platform;

/// <summary>Which numbering the raw map type numbers of an object follow.</summary>
public enum MapTypeNumbering
{
    /// <summary>eBPF for Windows <c>ebpf_structs.h</c> (HASH 1 ... PERF_EVENT_ARRAY 14).</summary>
    Windows,
    /// <summary>Linux <c>uapi/linux/bpf.h</c> (HASH 1, ARRAY 2, PROG_ARRAY 3, PERF_EVENT_ARRAY 4 ...).</summary>
    Linux,
}
