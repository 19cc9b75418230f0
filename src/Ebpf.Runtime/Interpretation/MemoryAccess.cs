namespace Ebpf.Runtime.Interpretation;

/// <summary>What a memory region allows, and what an access does.</summary>
[Flags]
public enum MemoryAccess : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}
