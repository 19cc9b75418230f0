using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// The runtime's view: a <see cref="ProgramInformation"/> (context descriptor, its ABI's global and type-specific
/// helpers) and the object's maps, referred to by index (after relocation, fd and index coincide).
/// </summary>
public sealed class ProgramInformationPlatform : IVerifierPlatform
{
    private readonly ProgramInformation _information;
    private readonly IReadOnlyList<MapDescriptor> _maps;

    public ProgramInformationPlatform(ProgramInformation information, IReadOnlyList<MapDescriptor>? maps = null)
    {
        _information = information;
        _maps = maps ?? [];
    }

    public string ProgramTypeName => _information.Descriptor.Name;
    public ContextDescriptor Context => _information.Descriptor.Context;
    public int ContextPointerWidth => _information.Abi.ContextPointerWidth;
    public bool IsPrivileged => _information.Descriptor.IsPrivileged;

    public HelperPrototype? FindHelper(int id) => id < 0 ? null : _information.FindHelper((uint)id);

    public MapDescriptor? FindMap(int reference, bool byIndex) =>
        reference >= 0 && reference < _maps.Count ? _maps[reference] : null;

    /// <summary>
    /// eBPF for Windows' helper/map-type rules. The runtime describes maps in its own (Windows) type numbering, so for
    /// another ABI's program types (Linux helper ids, stand-in types such as DEVMAP as an array) the pairs would be
    /// mixed: those are checked by <see cref="LinuxPlatform"/> (<c>ebpf verify</c>), not here.
    /// </summary>
    public string? CheckMapHelper(HelperPrototype helper, MapDescriptor map) =>
        _information.Abi == PlatformAbi.Windows ? MapHelperCompatibility.Windows.Check(helper, map.PlatformType) : null;
}
