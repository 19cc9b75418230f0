namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// What one run receives: r1 (the context pointer) and r2, the regions the program may access in checked mode, the
/// packet that legacy ABS/IND loads read, and an object helpers can reach through <see cref="HelperCallContext.State"/>.
/// </summary>
public readonly ref struct ExecutionRequest
{
    public ulong R1 { get; init; }
    public ulong R2 { get; init; }

    /// <summary>Regions granted to the program (context, packet, ...). The stack is always granted.</summary>
    public ReadOnlySpan<MemoryRegion> Regions { get; init; }

    /// <summary>The packet for legacy ABS/IND loads; Length 0 means none.</summary>
    public MemoryRegion Packet { get; init; }

    public object? HelperState { get; init; }

    /// <summary>
    /// The processor slot the invoker leased for this run, plus one; 0 when it leased none. Compiled per-CPU lookups
    /// read it instead of the slot's thread static.
    /// </summary>
    public int LeasedSlotPlusOne { get; init; }
}
