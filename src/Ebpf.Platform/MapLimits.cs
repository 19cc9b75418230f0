namespace Ebpf.Platform;

/// <summary>
/// Limits every map definition must respect beyond its type's rules: the most memory one map may take (its
/// max_entries times its entry size, per-CPU values once per processor), computed in checked 64-bit arithmetic.
/// </summary>
public sealed record MapLimits
{
    /// <summary>The default ceiling: 1 GiB for one map.</summary>
    public const ulong DefaultMemoryCeiling = 1UL << 30;

    /// <summary>The most memory, in bytes, that one map may take at full capacity.</summary>
    public ulong MemoryCeiling { get; init; } = DefaultMemoryCeiling;

    /// <summary>Processors a per-CPU map holds a value for.</summary>
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;

    public static MapLimits Default { get; } = new();
}
