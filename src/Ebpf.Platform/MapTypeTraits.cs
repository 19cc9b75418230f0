namespace Ebpf.Platform;

/// <summary>Properties of a map type that its definition's validation and the verifier depend on.</summary>
[Flags]
public enum MapTypeTraits
{
    None = 0,
    /// <summary>One value per processor: storage is max_entries × round_up(value_size, 8) × processors.</summary>
    PerCpu = 1,
    /// <summary>Values are maps (map-in-map): an inner-map template is required, and it may not be one itself.</summary>
    MapValues = 2,
    /// <summary>Values are programs (the target of tail calls).</summary>
    ProgramValues = 4,
    /// <summary>value_size must be a multiple of 8 (Linux STACK_TRACE: an array of u64 addresses).</summary>
    ValueMultipleOf8 = 8,
    /// <summary>An extension provides the map (a custom map): its provider answers the generic map operations.</summary>
    ProvidedByExtension = 16,
}
