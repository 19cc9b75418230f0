using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>
/// The platform PREVAIL's YAML tests run against: Linux helper prototypes, a 64-byte context with packet data at 0
/// and end at 4, and every map fd describing a map of 4-byte keys and values with 4 entries.
/// </summary>
internal sealed class YamlTestPlatform : IVerifierPlatform
{
    private static readonly MapDescriptor TestMap = new(0, MapValueKind.Data, 4, 4, 4);

    public string ProgramTypeName => "yaml-test";
    public ContextDescriptor Context { get; } = new(64, 0, 4, -1);
    public int ContextPointerWidth => 4;
    public HelperPrototype? FindHelper(int id) => LinuxHelpers.Find(id);
    public MapDescriptor? FindMap(int reference, bool byIndex) => TestMap;
}
