namespace Ebpf.Verifier.Domains;

/// <summary>The kinds of value a register or a stack cell may hold; a set of them is an element of the type domain.</summary>
[Flags]
public enum TypeFlags : ushort
{
    None = 0,
    Uninitialized = 1 << 0,
    Number = 1 << 1,
    Context = 1 << 2,
    Stack = 1 << 3,
    Packet = 1 << 4,
    /// <summary>Memory shared with the outside: a map value (PTR_TO_MAP_VALUE; null when its uvalue may be 0).</summary>
    Shared = 1 << 5,
    /// <summary>A map descriptor (CONST_PTR_TO_MAP).</summary>
    MapFd = 1 << 6,
    /// <summary>A program-array map descriptor, for tail calls.</summary>
    MapFdPrograms = 1 << 7,
    /// <summary>A socket returned by a lookup helper.</summary>
    Socket = 1 << 8,
    /// <summary>The address of a subprogram (PTR_TO_FUNC, lddw src 4); its offset variable holds the subprogram's pc.</summary>
    Function = 1 << 9,

    Pointers = Context | Stack | Packet | Shared | Socket,
    MemoryPointers = Context | Stack | Packet | Shared,
    Nullable = Shared | MapFd | MapFdPrograms | Socket,
    Initialized = Number | Pointers | MapFd | MapFdPrograms | Function,
}
