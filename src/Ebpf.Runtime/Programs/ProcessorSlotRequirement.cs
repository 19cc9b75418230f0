using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// Decides at load whether a program's invocations must lease a processor slot (<see cref="Memory.ProcessorSlots"/>).
/// Only helpers see the slot: per-CPU map values, the processor id, event output and trace lines. A program needs
/// none when every helper it calls is one that ignores the slot and every map it can reach is shared (not per-CPU,
/// not a map of maps whose inner maps could be). Map arguments are known only for verified programs (the verifier
/// admits map pointers from lddw map references alone); an unverified program that calls a map helper leases.
/// </summary>
internal static class ProcessorSlotRequirement
{
    /// <summary>Global helpers that never read the slot themselves (map helpers read it only for per-CPU maps).</summary>
    private static readonly ImmutableHashSet<uint> SlotFreeHelpers =
    [
        GlobalHelpers.MapLookupElem, GlobalHelpers.MapUpdateElem, GlobalHelpers.MapDeleteElem, GlobalHelpers.MapLookupAndDeleteElem,
        GlobalHelpers.GetPrandomU32, GlobalHelpers.KtimeGetBootNs, GlobalHelpers.KtimeGetNs, GlobalHelpers.CsumDiff,
        GlobalHelpers.MapPushElem, GlobalHelpers.MapPopElem, GlobalHelpers.MapPeekElem, GlobalHelpers.GetCurrentPidTgid,
        GlobalHelpers.GetCurrentLogonId, GlobalHelpers.IsCurrentAdmin, GlobalHelpers.Memcpy, GlobalHelpers.Memcmp,
        GlobalHelpers.Memset, GlobalHelpers.Memmove, GlobalHelpers.GetSocketCookie, GlobalHelpers.StrncpyS,
        GlobalHelpers.StrncatS, GlobalHelpers.StrnlenS, GlobalHelpers.KtimeGetBootMs, GlobalHelpers.KtimeGetMs,
        GlobalHelpers.GetCurrentProcessStartKey, GlobalHelpers.GetCurrentThreadCreateTime,
    ];

    private static readonly ImmutableHashSet<uint> MapHelpers =
    [
        GlobalHelpers.MapLookupElem, GlobalHelpers.MapUpdateElem, GlobalHelpers.MapDeleteElem, GlobalHelpers.MapLookupAndDeleteElem,
        GlobalHelpers.MapPushElem, GlobalHelpers.MapPopElem, GlobalHelpers.MapPeekElem,
    ];

    /// <summary>The core implementations of <see cref="SlotFreeHelpers"/> and <see cref="MapHelpers"/>: how another ABI's ids are judged.</summary>
    private static readonly ImmutableHashSet<System.Reflection.MethodInfo> SlotFreeImplementations =
        [.. SlotFreeHelpers.Select(Helpers.CoreHelpers.Find).OfType<HelperFunction>().Select(f => f.Method)];
    private static readonly ImmutableHashSet<System.Reflection.MethodInfo> MapImplementations =
        [.. MapHelpers.Select(Helpers.CoreHelpers.Find).OfType<HelperFunction>().Select(f => f.Method)];

    /// <param name="implementationOf">What each called id binds to: for an ABI other than eBPF for Windows' the ids
    /// mean other helpers, so they are judged by implementation.</param>
    public static bool IsRequired(ProgramLoadRequest request, ImmutableArray<uint> calledHelperIds, PlatformAbi abi,
        Func<uint, HelperFunction?> implementationOf)
    {
        bool callsMapHelper = false;
        foreach (uint id in calledHelperIds)
        {
            if (abi == PlatformAbi.Windows)
            {
                if (!SlotFreeHelpers.Contains(id)) return true;
                callsMapHelper |= MapHelpers.Contains(id);
                continue;
            }
            var method = implementationOf(id)?.Method;
            if (method is null || !SlotFreeImplementations.Contains(method)) return true;
            callsMapHelper |= MapImplementations.Contains(method);
        }
        if (!callsMapHelper) return false;
        if (request.Unverified) return true;
        var code = request.Instructions;
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.Opcode != OpCodes.LdDw) continue;
            if (insn.Src is PseudoSource.MapFd or PseudoSource.MapIndex && !IsSharedMap(request, pc, insn)) return true;
            pc++; // the second slot of lddw
        }
        return false;
    }

    /// <summary>True when the map an lddw map reference names is known to be neither per-CPU nor a map of maps.</summary>
    private static bool IsSharedMap(ProgramLoadRequest request, int pc, Instruction insn)
    {
        MapDefinition? definition = null;
        int nextImm = pc + 1 < request.Instructions.Length ? request.Instructions[pc + 1].Imm : 0;
        if (request.WideImmediates is { } resolve &&
            resolve(new WideImmediate(pc, insn.Dst, insn.Src, insn.Imm, nextImm), out ulong handle) &&
            LiveMap(handle) is { } map)
            definition = map.Definition;
        else if ((uint)insn.Imm < (uint)request.Maps.Count)
            definition = request.Maps[insn.Imm];
        return definition is { IsPerCpu: false, IsMapOfMaps: false };
    }

    /// <summary>The live map whose handle a resolver gave, found without dereferencing a value that may be no handle
    /// (by the registry's handle index: a scan of every live map would make loads slower as a process holds more maps).</summary>
    private static EbpfMap? LiveMap(ulong handle) => MapRegistry.TryGetByHandle((nint)handle);
}
