using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// The native block a map handle points at. A program's lddw map reference, and a map-of-maps lookup result,
/// are the address of this block; <see cref="EbpfMap.FromHandle"/> turns it back into the map through the
/// GC handle stored here. The block lives until the map's last reference is released and the epoch drained.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct MapHandleBlock
{
    /// <summary>Marks a live block ("EBPFMAP\0" little-endian).</summary>
    public const ulong LiveMagic = 0x0050414D46504245;

    public ulong Magic;
    /// <summary><see cref="GCHandle.ToIntPtr"/> of the map object.</summary>
    public nint Target;
    public uint Id;
    public uint Type;
    public uint KeySize;
    public uint ValueSize;
    public uint MaxEntries;
    public uint Reserved;
}
