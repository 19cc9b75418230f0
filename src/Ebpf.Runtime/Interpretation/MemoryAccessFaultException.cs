namespace Ebpf.Runtime.Interpretation;

/// <summary>Checked mode: the program touched memory outside every region it was given.</summary>
public sealed class MemoryAccessFaultException : ProgramExecutionException
{
    public MemoryAccessFaultException(int programCounter, ulong address, ulong size, MemoryAccess access, MemoryRegion? near)
        : base(programCounter, Describe(address, size, access, near))
    {
        Address = address;
        Size = size;
        Access = access;
    }

    public ulong Address { get; }
    public ulong Size { get; }
    public MemoryAccess Access { get; }

    /// <summary>Faults further than this from every region are reported as wild rather than relative to a region.</summary>
    private const ulong NearbyBytes = 4096;

    private static string Describe(ulong address, ulong size, MemoryAccess access, MemoryRegion? near)
    {
        string verb = access switch { MemoryAccess.Read => "read", MemoryAccess.Write => "write", _ => "read-write" };
        string where = near switch
        {
            { } r when r.Allows(address, size, MemoryAccess.None) => $" ({r.Name} allows only {r.Access})",
            { } r when address >= r.Start && address < r.End => $" (runs past the end of {r})",
            { } r when address >= r.End && address - r.End < NearbyBytes => $" ({address - r.End} bytes past the end of {r})",
            { } r when address < r.Start && r.Start - address < NearbyBytes => $" ({r.Start - address} bytes before {r})",
            _ => " (outside every region the program was given)",
        };
        return $"invalid {verb} of {size} bytes at 0x{address:x}{where}";
    }
}
