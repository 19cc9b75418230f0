namespace Ebpf.Runtime.Interpretation;

/// <summary>A host memory range a program may touch in checked mode: [Start, Start + Length).</summary>
public readonly record struct MemoryRegion(ulong Start, ulong Length, MemoryAccess Access, string Name)
{
    public ulong End => Start + Length;

    /// <summary>True when [address, address + size) lies inside the region and the region allows <paramref name="access"/>.</summary>
    public bool Allows(ulong address, ulong size, MemoryAccess access) =>
        (Access & access) == access && address >= Start && size <= Length && address - Start <= Length - size;

    public static unsafe MemoryRegion Of(void* start, ulong length, MemoryAccess access, string name) =>
        new((ulong)start, length, access, name);

    public override string ToString() => $"{Name} [0x{Start:x}, 0x{End:x}) {Access}";
}
