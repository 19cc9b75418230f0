using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Objects;

/// <summary>
/// Resolves an object's map references (lddw in object form: src 1/5 with imm = map index, src 2/6 with imm = map
/// index and the second imm = offset) to what the program must load: the map handle, or the address of byte
/// <c>offset</c> of an array map's single value (global data).
/// </summary>
internal sealed unsafe class ObjectMapAddresses(IReadOnlyList<EbpfMap> maps)
{
    public bool TryResolve(WideImmediate reference, out ulong value)
    {
        value = 0;
        if (reference.Imm < 0 || reference.Imm >= maps.Count) return false;
        var map = maps[reference.Imm];
        switch (reference.Source)
        {
            case PseudoSource.MapFd:
            case PseudoSource.MapIndex:
                value = (ulong)map.Handle;
                return true;
            case PseudoSource.MapValue:
            case PseudoSource.MapIndexValue:
                if (map is not ArrayMap array || reference.NextImm < 0 || reference.NextImm >= array.ValueSize) return false;
                value = (ulong)array.ElementAddress(0) + (uint)reference.NextImm;
                return true;
            default:
                return false;
        }
    }
}
