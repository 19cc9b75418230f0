using System.Collections.Immutable;
using Ebpf.Elf.Btf;
using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>
/// An opened eBPF ELF object (libbpf's bpf_object after open): its programs with subprograms linked and
/// relocations resolved, its maps (BTF-defined, legacy and global data), license and version. Immutable.
/// </summary>
public sealed class BpfObject
{
    internal BpfObject(string name, string fileName, ImmutableArray<BpfProgram> programs, ImmutableArray<BpfMap> maps,
        ImmutableArray<BpfSection> sections, string? license, uint? kernelVersion, BtfTypeTable? btf)
    {
        Name = name;
        FileName = fileName;
        Programs = programs;
        Maps = maps;
        Sections = sections;
        License = license;
        KernelVersion = kernelVersion;
        Btf = btf;
    }

    /// <summary>
    /// An object made from parts already linked and relocated elsewhere (a native module's program table and maps):
    /// no sections, no BTF.
    /// </summary>
    public static BpfObject FromParts(string name, string fileName, ImmutableArray<BpfProgram> programs, ImmutableArray<BpfMap> maps,
        string? license, MapTypeNumbering numbering) =>
        new(name, fileName, programs, maps, [], license, null, null) { MapTypeNumbering = numbering };

    public string Name { get; }
    /// <summary>The path or name the object was opened from (used in error messages).</summary>
    public string FileName { get; }
    /// <summary>Entry programs and global functions, in section then offset order.</summary>
    public ImmutableArray<BpfProgram> Programs { get; }
    /// <summary>Maps in libbpf order: legacy, BTF-defined, then global data. A map's index is what lddw imm carries.</summary>
    public ImmutableArray<BpfMap> Maps { get; }
    public ImmutableArray<BpfSection> Sections { get; }
    /// <summary>The <c>license</c> section's string, or null when absent.</summary>
    public string? License { get; }
    /// <summary>The <c>version</c> section's u32, or null when absent.</summary>
    public uint? KernelVersion { get; }
    /// <summary>The decoded .BTF section, or null when absent.</summary>
    public BtfTypeTable? Btf { get; }

    /// <summary>The numbering the object's map types were read in (and whose limits its map definitions passed).</summary>
    public MapTypeNumbering MapTypeNumbering { get; init; }

    /// <summary>
    /// Checks every declared map, and its inner-map template, against the limits of its type in the object's ABI
    /// (<see cref="MapTypeTable"/>: type, key and value sizes, max_entries, map_flags, memory) and eBPF for Windows'
    /// pinning values; throws a <see cref="BpfObjectException"/> naming the map and the field at fault. Loaders call
    /// it before building anything (the verifier's map descriptors, the runtime's maps) from the definitions.
    /// </summary>
    public void ValidateMaps(MapLimits? limits = null)
    {
        var table = MapTypeNumbering == MapTypeNumbering.Linux ? MapTypeTable.Linux : MapTypeTable.Windows;
        limits ??= MapLimits.Default;
        foreach (var map in Maps)
        {
            string templateField = map.Kind == BpfMapKind.Legacy ? (map.InnerId != 0 ? "inner_id" : "inner_map_idx") : "values";
            var problem = table.Check(map.RawType, map.Definition, limits)
                ?? map.InnerMapProblem
                ?? table.CheckTemplate(map.RawType, map.InnerMap?.RawType, map.InnerMap?.Definition, limits, templateField)
                ?? PinningProblem(map) ?? (map.InnerMap is { } inner ? PinningProblem(inner) : null);
            if (problem is not null)
                throw new BpfObjectException(FileName, $"map '{map.Name}': {problem}", map.SectionName, (long)map.SectionOffset);
        }
    }

    /// <summary>eBPF for Windows knows two pinning values; Linux loaders number their own (iproute2, Cilium), so only Windows objects are checked.</summary>
    private MapDefinitionProblem? PinningProblem(BpfMap map) =>
        MapTypeNumbering == MapTypeNumbering.Windows && !Enum.IsDefined((PinningType)map.RawPinning)
            ? new("pinning", $"{map.RawPinning} is not a pinning type (0 LIBBPF_PIN_NONE, 1 LIBBPF_PIN_BY_NAME)")
            : null;

    /// <summary>A map type's name in the object's ABI: eBPF for Windows' enum names, Linux's as bpftool prints them.</summary>
    public string MapTypeName(BpfMap map) => MapTypeNumbering == MapTypeNumbering.Linux
        ? MapTypeTable.Linux.NameOf(map.RawType).ToLowerInvariant()
        : map.PlatformType is { } type ? type.ToString() : MapTypeTable.Windows.NameOf(map.RawType);

    /// <summary>
    /// <paramref name="map"/>'s definition (and its inner template's) with <see cref="MapDefinition.AbiType"/> set to
    /// the type as written when the object's numbering is not eBPF for Windows' own, for the verifier's descriptors.
    /// </summary>
    public MapDefinition DefinitionInAbi(BpfMap map) => MapTypeNumbering == MapTypeNumbering.Windows ? map.Definition
        : map.Definition with
        {
            AbiType = map.RawType,
            ReadOnlyForPrograms = map.Definition.ReadOnlyForPrograms || IsReadOnlyForPrograms(map.Definition),
            InnerMap = map.InnerMap is { } inner
                ? inner.Definition with { AbiType = inner.RawType, ReadOnlyForPrograms = IsReadOnlyForPrograms(inner.Definition) }
                : map.Definition.InnerMap,
        };

    /// <summary>A Linux definition's BPF_F_RDONLY_PROG flag.</summary>
    private bool IsReadOnlyForPrograms(MapDefinition definition) =>
        MapTypeNumbering == MapTypeNumbering.Linux && (definition.Flags & LinuxMapFlags.ReadOnlyProgram) != 0;

    public BpfProgram? FindProgram(string name) => Programs.FirstOrDefault(p => p.Name == name);
    public BpfMap? FindMap(string name) => Maps.FirstOrDefault(m => m.Name == name);

    /// <summary>Opens an object file. Every defect of the file is reported as a <see cref="BpfObjectException"/>.</summary>
    public static BpfObject Open(string path, BpfObjectOpenOptions? options = null) =>
        new BpfObjectLoader(path, ReadFile(path), options ?? BpfObjectOpenOptions.Default).Load(
            options?.ObjectName ?? Path.GetFileNameWithoutExtension(path));

    /// <summary>An object file's bytes; a file that cannot be read is a <see cref="BpfObjectException"/> naming it.</summary>
    public static byte[] ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new BpfObjectException(path, $"cannot read the file: {e.Message}", inner: e);
        }
    }

    /// <summary>Opens an object held in memory (libbpf's bpf_object__open_mem); <paramref name="name"/> names it in errors.</summary>
    public static BpfObject Open(ReadOnlyMemory<byte> bytes, string name, BpfObjectOpenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new BpfObjectLoader(name, bytes, options ?? BpfObjectOpenOptions.Default).Load(options?.ObjectName ?? name);
    }
}
