using Ebpf.Elf;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>What the verifier's Linux platform needs to know about a map an object declares (Linux type numbers).</summary>
public static class LinuxMapDescriptors
{
    public static MapDescriptor From(BpfMap map) => new(map.RawType, LinuxPlatform.ValueKindOf(map.RawType),
        map.Definition.KeySize, map.Definition.ValueSize, map.Definition.MaxEntries,
        map.InnerMap is { } inner ? From(inner) : null);
}
