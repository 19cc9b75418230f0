using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// What the verifier knows of a helper function: its id, name, return kind and up to five argument kinds.
/// <see cref="ReallocatePacket"/> says a call invalidates packet pointers; <see cref="ImplicitContext"/> says the
/// implementation receives the program context as a hidden sixth argument (not hashed, not seen by the verifier);
/// <see cref="WritesMapValue"/> says its map value argument is an output.
/// </summary>
public sealed record HelperPrototype
{
    public const int MaxArguments = 5;

    public HelperPrototype(uint id, string name, ReturnType returnType, params ArgumentType[] arguments)
    {
        if (arguments.Length > MaxArguments)
            throw new ArgumentException($"Helper {name} ({id}) declares {arguments.Length} arguments; at most 5 are allowed.", nameof(arguments));
        Id = id;
        Name = name;
        ReturnType = returnType;
        var args = new ArgumentType[MaxArguments];
        arguments.CopyTo(args, 0);
        Arguments = ImmutableArray.Create(args);
    }

    public uint Id { get; init; }
    public string Name { get; init; }
    public ReturnType ReturnType { get; init; }
    /// <summary>Always five entries; unused trailing ones are <see cref="ArgumentType.DontCare"/>.</summary>
    public ImmutableArray<ArgumentType> Arguments { get; init; }
    public bool ReallocatePacket { get; init; }
    public bool ImplicitContext { get; init; }
    /// <summary>
    /// The helper writes its <see cref="ArgumentType.PtrToMapValue"/> argument and never reads it (bpf_map_pop_elem,
    /// bpf_map_peek_elem; Linux types it ARG_PTR_TO_UNINIT_MAP_VALUE), on failure too (it clears it): the buffer may
    /// be uninitialized. Not hashed: eBPF for Windows' prototype types the argument PTR_TO_MAP_VALUE.
    /// </summary>
    public bool WritesMapValue { get; init; }
    /// <summary>
    /// The helper changes the contents of its map argument (update, delete, push, pop): refused on a map programs may
    /// only read (Linux: "write into map forbidden"). Not hashed.
    /// </summary>
    public bool ModifiesMap { get; init; }

    /// <summary>Number of declared (leading, non-DontCare) arguments.</summary>
    public int ArgumentCount
    {
        get
        {
            int n = 0;
            while (n < MaxArguments && Arguments[n] != ArgumentType.DontCare) n++;
            return n;
        }
    }

    public bool Equals(HelperPrototype? other) =>
        other is not null && Id == other.Id && Name == other.Name && ReturnType == other.ReturnType &&
        Arguments.AsSpan().SequenceEqual(other.Arguments.AsSpan()) && ReallocatePacket == other.ReallocatePacket &&
        ImplicitContext == other.ImplicitContext && WritesMapValue == other.WritesMapValue &&
        ModifiesMap == other.ModifiesMap;

    public override int GetHashCode() => HashCode.Combine(Id, Name, ReturnType, ReallocatePacket, ImplicitContext);
}
