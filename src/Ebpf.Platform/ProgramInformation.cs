using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// Everything a program of one type is verified against: the type descriptor, the helpers specific to this
/// type (ids from 65536), and the global helpers (ids below 65536) this type overrides. The global helpers
/// themselves come from the type's <see cref="Abi"/> (<see cref="GlobalHelpers"/> for eBPF for Windows).
/// </summary>
public sealed class ProgramInformation
{
    public ProgramInformation(ProgramTypeDescriptor descriptor,
        IEnumerable<HelperPrototype>? typeSpecificHelpers = null,
        IEnumerable<uint>? globalHelperOverrides = null, PlatformAbi? abi = null)
        : this(descriptor, typeSpecificHelpers, globalHelperOverrides, abi ?? PlatformAbi.Windows, [])
    {
    }

    private ProgramInformation(ProgramTypeDescriptor descriptor, IEnumerable<HelperPrototype>? typeSpecificHelpers,
        IEnumerable<uint>? globalHelperOverrides, PlatformAbi abi, ImmutableArray<BtfResolvedFunction> btfFunctions)
    {
        Descriptor = descriptor;
        Abi = abi;
        TypeSpecificHelpers = (typeSpecificHelpers ?? []).OrderBy(h => h.Id).ToImmutableArray();
        foreach (var helper in TypeSpecificHelpers)
        {
            if (helper.Id <= GlobalHelpers.MaxGlobalHelperId)
                throw new ArgumentException($"Type-specific helper {helper.Name} of '{descriptor.Name}' has id {helper.Id}; type-specific ids start at 65536.");
        }
        GlobalHelperOverrides = (globalHelperOverrides ?? []).ToFrozenSet();
        _typeSpecific = TypeSpecificHelpers.ToFrozenDictionary(h => h.Id);
        BtfFunctions = btfFunctions;
        _btf = btfFunctions.Select((f, i) => f.ToPrototype(BtfResolvedFunction.IdOf(i))).ToImmutableArray();
    }

    private readonly ImmutableArray<HelperPrototype> _btf;

    /// <summary>The BTF-resolved functions one program calls, in the order of their ids (empty for a type's own information).</summary>
    public ImmutableArray<BtfResolvedFunction> BtfFunctions { get; }

    /// <summary>
    /// This type's information as seen by a program that also calls <paramref name="functions"/> (BTF-resolved, at
    /// <see cref="BtfResolvedFunction.IdOf"/> of their index): what such a program is verified against.
    /// </summary>
    public ProgramInformation WithBtfFunctions(ImmutableArray<BtfResolvedFunction> functions) =>
        functions.IsDefaultOrEmpty ? this : new(Descriptor, TypeSpecificHelpers, GlobalHelperOverrides, Abi, functions);

    private readonly FrozenDictionary<uint, HelperPrototype> _typeSpecific;

    public ProgramTypeDescriptor Descriptor { get; }

    /// <summary>The ABI programs of this type are compiled against: what their helper ids and map type numbers mean.</summary>
    public PlatformAbi Abi { get; }
    public ImmutableArray<HelperPrototype> TypeSpecificHelpers { get; }
    public FrozenSet<uint> GlobalHelperOverrides { get; }

    /// <summary>
    /// The prototype a call to <paramref name="id"/> resolves to for this program type, or null when the type
    /// offers no such helper. Global ids use the core prototype (an override only supplies an implementation);
    /// a global helper with no core implementation resolves only when this type overrides it.
    /// </summary>
    public HelperPrototype? FindHelper(uint id)
    {
        if (BtfResolvedFunction.IsBtfFunctionId(id))
        {
            uint index = id - BtfResolvedFunction.IdBase;
            return index < (uint)_btf.Length ? _btf[(int)index] : null;
        }
        if (id <= GlobalHelpers.MaxGlobalHelperId)
        {
            var proto = Abi.FindGlobalHelper(id);
            if (proto is null) return null;
            return Abi.HasCoreImplementation(id) || GlobalHelperOverrides.Contains(id) ? proto : null;
        }
        return _typeSpecific.GetValueOrDefault(id);
    }
}
