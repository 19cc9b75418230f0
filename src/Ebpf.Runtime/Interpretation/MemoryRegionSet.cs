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

    public bool Allows(ulong address, ulong size, MemoryAccess access)
    {
        var regions = _regions;
        for (int i = 0; i < _count; i++)
        {
            if (regions[i].Allows(address, size, access)) return true;
        }
        return false;
    }

    /// <summary>The region containing <paramref name="address"/>, for fault messages.</summary>
    public MemoryRegion? Containing(ulong address)
    {
        for (int i = 0; i < _count; i++)
        {
            if (address >= _regions[i].Start && address < _regions[i].End) return _regions[i];
        }
        return null;
    }
}
