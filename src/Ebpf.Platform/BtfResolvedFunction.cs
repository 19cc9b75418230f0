using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// A function bound by name and module GUID (BTF-resolved) instead of by helper id: a program declares it as an
/// extern function and any program type may call it while its provider is loaded. Hashed after the id-based helpers.
/// </summary>
public sealed record BtfResolvedFunction(Guid Module, string Name, ReturnType ReturnType, ImmutableArray<ArgumentType> Arguments, uint Flags = 0)
{
    /// <summary>
    /// Calls to a program's BTF-resolved functions are helper calls with ids from here on: the i-th function the
    /// program calls (<see cref="IdOf"/>) sits at <c>IdBase + i</c>, outside the global and type-specific ranges.
    /// </summary>
    public const uint IdBase = 0x4000_0000;

    public static uint IdOf(int index) => IdBase + (uint)index;

    public static bool IsBtfFunctionId(uint id) => id >= IdBase;

    public bool Equals(BtfResolvedFunction? other) =>
        other is not null && Module == other.Module && Name == other.Name && ReturnType == other.ReturnType &&
        Arguments.AsSpan().SequenceEqual(other.Arguments.AsSpan()) && Flags == other.Flags;

    public override int GetHashCode() => HashCode.Combine(Module, Name, ReturnType, Flags);

    /// <summary>The prototype the verifier checks a call at <paramref name="id"/> against.</summary>
    public HelperPrototype ToPrototype(uint id) => new(id, Name, ReturnType, [.. Arguments.Take(HelperPrototype.MaxArguments)]);
}
