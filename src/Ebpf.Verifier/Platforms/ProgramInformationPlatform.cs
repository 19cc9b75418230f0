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
    /// The helper/map-type rules of the program type's ABI: helper ids and map types (<see cref="MapDescriptor.PlatformType"/>,
    /// the declared type also where the runtime runs a stand-in) are both in that ABI's numbering.
    /// </summary>
    public string? CheckMapHelper(HelperPrototype helper, MapDescriptor map) => _information.Abi.MapTypes switch
    {
        MapTypeNumbering.Linux => MapHelperCompatibility.Linux.Check(helper, map.PlatformType),
        _ => MapHelperCompatibility.Windows.Check(helper, map.PlatformType),
    };

    /// <summary>Linux's callback helpers where the ABI numbers helpers as Linux does; eBPF for Windows has none.</summary>
    public CallbackKind CallbackOf(int id) =>
        _information.Abi.MapTypes == MapTypeNumbering.Linux ? LinuxHelpers.CallbackOf(id) : CallbackKind.None;
}
