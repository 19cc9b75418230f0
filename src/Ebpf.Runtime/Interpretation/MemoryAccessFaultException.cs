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

    private static string Describe(ulong address, ulong size, MemoryAccess access, MemoryRegion? near)
    {
        string verb = access == MemoryAccess.Read ? "read" : access == MemoryAccess.Write ? "write" : "read-write";
        string where = near is { } region
            ? $" (crosses the end of or is not allowed in {region})"
            : " (outside every region the program was given)";
        return $"invalid {verb} of {size} bytes at 0x{address:x}{where}";
    }
}
