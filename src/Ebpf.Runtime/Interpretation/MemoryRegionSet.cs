namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// The regions a checked run may access: its stack, the regions the caller granted, and regions helpers register
/// while it runs (e.g. a map value pointer returned by a lookup). Only checked mode creates one.
/// </summary>
public sealed class MemoryRegionSet
{
    private MemoryRegion[] _regions;
    private int _count;

    public MemoryRegionSet(int capacity = 8) => _regions = new MemoryRegion[Math.Max(capacity, 1)];

    public int Count => _count;

    public ReadOnlySpan<MemoryRegion> Regions => _regions.AsSpan(0, _count);

    public void Add(MemoryRegion region)
    {
        if (region.Length == 0) return;
        if (_count == _regions.Length) Array.Resize(ref _regions, _count * 2);
        _regions[_count++] = region;
    }

    /// <summary>Withdraws the region that starts at <paramref name="start"/> (a released ring buffer record); false if none does.</summary>
    public bool Remove(ulong start)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_regions[i].Start != start) continue;
            _regions[i] = _regions[--_count];
            return true;
        }
        return false;
    }

    public bool Allows(ulong address, ulong size, MemoryAccess access)
    {
        var regions = _regions;
        for (int i = 0; i < _count; i++)
        {
            if (regions[i].Allows(address, size, access)) return true;
        }
        return false;
    }

    /// <summary>The region nearest to <paramref name="address"/> (containing it, or the closest one on either side), for fault messages.</summary>
    public MemoryRegion? Nearest(ulong address)
    {
        MemoryRegion? best = null;
        ulong bestDistance = ulong.MaxValue;
        for (int i = 0; i < _count; i++)
        {
            var region = _regions[i];
            ulong distance = address < region.Start ? region.Start - address
                : address >= region.End ? address - region.End + 1
                : 0;
            if (distance < bestDistance)
            {
                best = region;
                bestDistance = distance;
            }
        }
        return best;
    }
}
