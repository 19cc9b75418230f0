using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// A helper bound by name and module GUID (BTF-resolved) instead of by id. Hashed after the id-based helpers.
/// </summary>
public sealed record BtfResolvedFunction(Guid Module, string Name, ReturnType ReturnType, ImmutableArray<ArgumentType> Arguments, uint Flags = 0);
