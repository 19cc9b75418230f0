using System.Runtime.CompilerServices;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The map helpers that return a status, with Linux's error numbers (<see cref="LinuxErrno"/>): the runtime's
/// implementations do the work. An array map tells apart what eBPF for Windows reports as one invalid argument:
/// an index past the end is E2BIG, BPF_NOEXIST on an array (whose elements always exist) EEXIST; and an array
/// cannot delete.
/// </summary>
public static unsafe class LinuxMapHelpers
{
    private const ulong NoExist = 1, Exist = 2;

    public static ulong Update(ulong map, ulong key, ulong value, ulong flags, ulong r5, ref HelperCallContext call)
    {
        if (flags <= Exist && MapHelpers.Resolve(map, LinuxHelperIds.MapUpdateElem, ref call) is { } target && IsArray(target.Type))
        {
            call.ValidateAccess(key, 4, MemoryAccess.Read);
            if (Unsafe.ReadUnaligned<uint>((void*)key) >= target.MaxEntries) return LinuxErrno.Negative(LinuxErrno.E2Big);
            if (flags == NoExist) return LinuxErrno.Negative(LinuxErrno.EExist);
        }
        return LinuxErrno.FromResult((long)MapHelpers.Update(map, key, value, flags, r5, ref call));
    }

    /// <summary>Arrays cannot delete (EINVAL, the element stays); eBPF for Windows clears the element instead.</summary>
    public static ulong Delete(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        IsArray(MapHelpers.Resolve(map, LinuxHelperIds.MapDeleteElem, ref call).Type)
            ? LinuxErrno.Negative(LinuxErrno.EInval)
            : LinuxErrno.FromResult((long)MapHelpers.Delete(map, key, r3, r4, r5, ref call));

    public static ulong Push(ulong map, ulong value, ulong flags, ulong r4, ulong r5, ref HelperCallContext call) =>
        LinuxErrno.FromResult((long)MapHelpers.Push(map, value, flags, r4, r5, ref call));

    public static ulong Pop(ulong map, ulong value, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        LinuxErrno.FromResult((long)MapHelpers.Pop(map, value, r3, r4, r5, ref call));

    public static ulong Peek(ulong map, ulong value, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        LinuxErrno.FromResult((long)MapHelpers.Peek(map, value, r3, r4, r5, ref call));

    private static bool IsArray(MapType type) => type is MapType.Array or MapType.PercpuArray;
}
