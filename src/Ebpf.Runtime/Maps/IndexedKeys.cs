using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Maps;

/// <summary>Key iteration of the index-keyed maps (arrays, program arrays, array-of-maps).</summary>
internal static class IndexedKeys
{
    /// <summary>
    /// The index after <paramref name="previousKey"/>; an empty or out-of-range previous key starts from index 0, as
    /// libbpf iteration expects.
    /// </summary>
    public static EbpfResult Next(ReadOnlySpan<byte> previousKey, Span<byte> nextKey, uint maxEntries)
    {
        uint next = 0;
        if (!previousKey.IsEmpty)
        {
            uint previous = MemoryMarshal.Read<uint>(previousKey);
            if (previous < maxEntries) next = previous + 1;
        }
        if (next >= maxEntries) return EbpfResult.NoMoreKeys;
        MemoryMarshal.Write(nextKey, in next);
        return EbpfResult.Success;
    }
}
