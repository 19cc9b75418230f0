using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The core implementations of the global helpers 1-35, by id (eBPF for Windows' <c>_ebpf_general_helpers</c>).
/// 26 (bpf_get_socket_cookie) and 35 (bpf_redirect_map) have none: an extension must override them, otherwise a
/// program calling them is refused at load. Pass <see cref="Find"/> to the <c>ExtensionRegistry</c>.
/// </summary>
public static class CoreHelpers
{
    private static readonly HelperFunction?[] s_byId = Build();

    /// <summary>The core implementation of global helper <paramref name="id"/>, or null when there is none.</summary>
    public static HelperFunction? Find(uint id) => id < (uint)s_byId.Length ? s_byId[id] : null;

    /// <summary>Ids that have a core implementation, ascending.</summary>
    public static IEnumerable<uint> Ids
    {
        get
        {
            for (uint id = 0; id < s_byId.Length; id++)
                if (s_byId[id] is not null) yield return id;
        }
    }

    /// <summary>A helper table holding every core helper under its registered name (for running programs directly).</summary>
    public static HelperTable CreateTable()
    {
        var table = new HelperTable();
        foreach (uint id in Ids) table.Add(id, GlobalHelpers.Find(id)!.Name, s_byId[id]!);
        return table;
    }

    private static HelperFunction?[] Build()
    {
        var byId = new HelperFunction?[GlobalHelpers.RedirectMap + 1];
        byId[GlobalHelpers.MapLookupElem] = MapHelpers.Lookup;
        byId[GlobalHelpers.MapUpdateElem] = MapHelpers.Update;
        byId[GlobalHelpers.MapDeleteElem] = MapHelpers.Delete;
        byId[GlobalHelpers.MapLookupAndDeleteElem] = MapHelpers.LookupAndDelete;
        byId[GlobalHelpers.TailCall] = TailCallHelper.TailCall;
        byId[GlobalHelpers.GetPrandomU32] = UtilityHelpers.GetPrandomU32;
        byId[GlobalHelpers.KtimeGetBootNs] = UtilityHelpers.KtimeGetBootNs;
        byId[GlobalHelpers.GetSmpProcessorId] = UtilityHelpers.GetSmpProcessorId;
        byId[GlobalHelpers.KtimeGetNs] = UtilityHelpers.KtimeGetNs;
        byId[GlobalHelpers.CsumDiff] = MemoryHelpers.CsumDiff;
        byId[GlobalHelpers.RingbufOutput] = EventOutputHelpers.RingbufOutput;
        byId[GlobalHelpers.TracePrintk2] = TraceHelpers.TracePrintk2;
        byId[GlobalHelpers.TracePrintk3] = TraceHelpers.TracePrintk3;
        byId[GlobalHelpers.TracePrintk4] = TraceHelpers.TracePrintk4;
        byId[GlobalHelpers.TracePrintk5] = TraceHelpers.TracePrintk5;
        byId[GlobalHelpers.MapPushElem] = MapHelpers.Push;
        byId[GlobalHelpers.MapPopElem] = MapHelpers.Pop;
        byId[GlobalHelpers.MapPeekElem] = MapHelpers.Peek;
        byId[GlobalHelpers.GetCurrentPidTgid] = UtilityHelpers.GetCurrentPidTgid;
        byId[GlobalHelpers.GetCurrentLogonId] = UtilityHelpers.GetCurrentLogonId;
        byId[GlobalHelpers.IsCurrentAdmin] = UtilityHelpers.IsCurrentAdmin;
        byId[GlobalHelpers.Memcpy] = MemoryHelpers.Memcpy;
        byId[GlobalHelpers.Memcmp] = MemoryHelpers.Memcmp;
        byId[GlobalHelpers.Memset] = MemoryHelpers.Memset;
        byId[GlobalHelpers.Memmove] = MemoryHelpers.Memmove;
        byId[GlobalHelpers.StrncpyS] = StringHelpers.StrncpyS;
        byId[GlobalHelpers.StrncatS] = StringHelpers.StrncatS;
        byId[GlobalHelpers.StrnlenS] = StringHelpers.StrnlenS;
        byId[GlobalHelpers.KtimeGetBootMs] = UtilityHelpers.KtimeGetBootMs;
        byId[GlobalHelpers.KtimeGetMs] = UtilityHelpers.KtimeGetMs;
        byId[GlobalHelpers.PerfEventOutput] = EventOutputHelpers.PerfEventOutput;
        byId[GlobalHelpers.GetCurrentProcessStartKey] = UtilityHelpers.GetCurrentProcessStartKey;
        byId[GlobalHelpers.GetCurrentThreadCreateTime] = UtilityHelpers.GetCurrentThreadCreateTime;
        return byId;
    }
}
