using System.Collections.Frozen;

namespace Ebpf.Platform;

/// <summary>
/// The binary interface programs are compiled against. eBPF for Windows (<see cref="Windows"/>) and Linux agree on
/// the instruction set but not on what surrounds it: the global helper namespace (what helper id n is, and its
/// prototype), the numbering of map types, how wide the context's packet pointer fields are, and which helper is
/// the tail call. A program-information provider declares the ABI of its program type
/// (<see cref="ProgramInformation.Abi"/>); an object's ABI follows from the sections its programs are in.
/// </summary>
public sealed class PlatformAbi
{
    private readonly Func<uint, HelperPrototype?> _findGlobalHelper;
    private readonly Func<uint, bool> _hasCoreImplementation;
    private readonly FrozenDictionary<uint, MapType> _mapTypeStandIns;

    /// <param name="hasCoreImplementation">Global ids the runtime's core implements for every program type of this ABI;
    /// the others resolve only where a provider implements them.</param>
    /// <param name="mapTypeStandIns">Raw map types with no counterpart here that run as another type (a Linux device
    /// map as an array of interface indexes).</param>
    public PlatformAbi(string name, MapTypeNumbering mapTypes, Func<uint, HelperPrototype?> findGlobalHelper,
        Func<uint, bool> hasCoreImplementation, uint tailCallHelperId, int contextPointerWidth,
        IReadOnlyDictionary<uint, MapType>? mapTypeStandIns = null)
    {
        Name = name;
        MapTypes = mapTypes;
        _findGlobalHelper = findGlobalHelper;
        _hasCoreImplementation = hasCoreImplementation;
        TailCallHelperId = tailCallHelperId;
        ContextPointerWidth = contextPointerWidth;
        _mapTypeStandIns = (mapTypeStandIns ?? new Dictionary<uint, MapType>()).ToFrozenDictionary();
    }

    /// <summary>eBPF for Windows' ABI: <see cref="GlobalHelpers"/>, <c>ebpf_structs.h</c> map types, 64-bit context pointers.</summary>
    public static PlatformAbi Windows { get; } = new("windows", MapTypeNumbering.Windows, GlobalHelpers.Find,
        GlobalHelpers.HasCoreImplementation, GlobalHelpers.TailCall, contextPointerWidth: 8);

    /// <summary>The name <c>--platform</c> takes (e.g. "windows", "linux").</summary>
    public string Name { get; }

    /// <summary>How the raw map type numbers of this ABI's objects read.</summary>
    public MapTypeNumbering MapTypes { get; }

    /// <summary>The helper id programs call bpf_tail_call by.</summary>
    public uint TailCallHelperId { get; }

    /// <summary>Width in bytes of the context's data/data_end/data_meta fields as programs read them.</summary>
    public int ContextPointerWidth { get; }

    /// <summary>The prototype global helper <paramref name="id"/> has in this ABI, or null when it names none.</summary>
    public HelperPrototype? FindGlobalHelper(uint id) => id <= GlobalHelpers.MaxGlobalHelperId ? _findGlobalHelper(id) : null;

    /// <summary>True when the core implements global helper <paramref name="id"/> for every program type of this ABI.</summary>
    public bool HasCoreImplementation(uint id) => _hasCoreImplementation(id);

    /// <summary>The type a raw map type without a counterpart runs as here, or null when it cannot run.</summary>
    public MapType? StandInFor(uint rawMapType) => _mapTypeStandIns.TryGetValue(rawMapType, out var type) ? type : null;

    public override string ToString() => Name;
}
