using System.Buffers.Binary;
using System.Collections.Immutable;
using Ebpf.Elf.Btf;
using Ebpf.Elf.Format;
using Ebpf.Isa;
using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>
/// Turns an ELF image into a <see cref="BpfObject"/>, the way libbpf's bpf_object__open does: maps first (legacy,
/// BTF-defined, global data), then programs, each linked with the subprograms it calls and relocated.
/// </summary>
internal sealed class BpfObjectLoader
{
    /// <summary>Largest total of global data accepted: hostile .bss sections must not make the loader allocate gigabytes.</summary>
    private const ulong MaxGlobalDataSize = 64 << 20;
    /// <summary>Largest linked program, in slots (the kernel's BPF_COMPLEXITY_LIMIT_INSNS).</summary>
    private const int MaxProgramSlots = 1_000_000;
    /// <summary>Largest total of linked slots over all programs: many small programs each linking one huge callee
    /// would otherwise cost time and memory quadratic in the file size.</summary>
    private const long MaxLinkedSlots = 16_000_000;
    private long _linkedSlots;
    private ILookup<int, ElfSymbol> _symbolsBySection = null!;

    private readonly string _fileName;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly BpfObjectOpenOptions _options;
    private readonly SectionRegistry _registry;
    private ElfImage _elf = null!;
    private BtfTypeTable? _btf;
    private BtfExtension? _btfExt;
    private readonly List<BpfMap> _maps = [];
    private readonly Dictionary<(int Section, ulong Offset), int> _mapByLocation = [];
    private readonly Dictionary<int, int> _dataMapBySection = [];
    private readonly Dictionary<int, CodeSection> _code = [];
    private readonly Dictionary<string, SourceLineTable> _lineTables = new(StringComparer.Ordinal);
    private int _textIndex = -1;

    private static readonly SectionRegistry DefaultRegistry = SectionRegistry.CreateDefault();

    public BpfObjectLoader(string fileName, ReadOnlyMemory<byte> bytes, BpfObjectOpenOptions options)
    {
        _fileName = fileName;
        _bytes = bytes;
        _options = options;
        _registry = options.Sections ?? DefaultRegistry;
    }

    private BpfObjectException Error(string reason, string? section = null, long? offset = null, int? instruction = null) =>
        new(_fileName, reason, section, offset, instruction);

    public BpfObject Load(string objectName)
    {
        _elf = ElfImage.Parse(_fileName, _bytes);
        _symbolsBySection = _elf.Symbols.ToLookup(y => (int)y.SectionIndex);
        ReadBtf();
        var kinds = ClassifySections();
        ReadLegacyMaps(kinds);
        ReadBtfMaps(kinds);
        ReadGlobalData(kinds);
        ReadCode();
        ReadCodeRelocations();
        MarkCallbacks();
        var programs = BuildPrograms();
        RefuseDuplicateNames(programs);

        var counts = new int[_elf.Sections.Count];
        foreach (var p in programs)
        {
            var s = _elf.FindSection(p.SectionName);
            if (s is { } sec) counts[sec.Index]++;
        }
        var sections = _elf.Sections.Select(s => new BpfSection(s.Index, s.Name, kinds[s.Index], s.Type, s.Flags, s.Size, counts[s.Index]))
            .ToImmutableArray();
        return new BpfObject(objectName, _fileName, programs, [.. _maps], sections, ReadLicense(), ReadVersion(), _btf)
        {
            MapTypeNumbering = _options.MapTypeNumbering,
        };
    }

    /// <summary>
    /// Entry programs and maps are found by name (one translation unit cannot declare two of either with one name):
    /// a second one is a defect of the file, not a program or map to lose.
    /// </summary>
    private void RefuseDuplicateNames(ImmutableArray<BpfProgram> programs)
    {
        foreach (var group in programs.Where(p => p.Kind == BpfProgramKind.Entry).GroupBy(p => p.Name, StringComparer.Ordinal))
        {
            if (group.Skip(1).FirstOrDefault() is { } second)
                throw Error($"two programs are named '{group.Key}' (sections '{group.First().SectionName}' and '{second.SectionName}')", second.SectionName);
        }
        foreach (var group in _maps.GroupBy(m => m.Name, StringComparer.Ordinal))
        {
            if (group.Skip(1).FirstOrDefault() is { } second)
                throw Error($"two maps are named '{group.Key}' (sections '{group.First().SectionName}' and '{second.SectionName}')", second.SectionName, (long)second.SectionOffset);
        }
    }

    // ---- sections -------------------------------------------------------------------------------------------

    private static bool IsGlobalDataName(string name, string prefix) =>
        name == prefix || (name.StartsWith(prefix, StringComparison.Ordinal) && name[prefix.Length] == '.');

    private BpfSectionKind[] ClassifySections()
    {
        var kinds = new BpfSectionKind[_elf.Sections.Count];
        foreach (var s in _elf.Sections)
        {
            kinds[s.Index] = s switch
            {
                { Type: ElfConstants.ShtRel or ElfConstants.ShtRela } => BpfSectionKind.Relocations,
                { Type: ElfConstants.ShtSymTab } => BpfSectionKind.Symbols,
                { Type: ElfConstants.ShtStrTab } => BpfSectionKind.Strings,
                { Name: ".text" } when s.IsExecutable => BpfSectionKind.Text,
                _ when s.IsExecutable => BpfSectionKind.Program,
                { Name: ".maps" } => BpfSectionKind.BtfMaps,
                { Name: "maps" } => BpfSectionKind.LegacyMaps,
                _ when s.Name.StartsWith("maps/", StringComparison.Ordinal) => BpfSectionKind.LegacyMaps,
                { Name: "license" } => BpfSectionKind.License,
                { Name: "version" } => BpfSectionKind.Version,
                { Name: ".BTF" } => BpfSectionKind.Btf,
                { Name: ".BTF.ext" } => BpfSectionKind.BtfExt,
                _ when s.Type is ElfConstants.ShtProgBits or ElfConstants.ShtNoBits && IsGlobalDataName(s.Name, ".rodata") => BpfSectionKind.ReadOnlyData,
                _ when s.Type is ElfConstants.ShtProgBits or ElfConstants.ShtNoBits && IsGlobalDataName(s.Name, ".data") => BpfSectionKind.Data,
                _ when s.Type is ElfConstants.ShtProgBits or ElfConstants.ShtNoBits && IsGlobalDataName(s.Name, ".bss") => BpfSectionKind.Bss,
                _ when s.Name.StartsWith(".debug", StringComparison.Ordinal) => BpfSectionKind.Debug,
                _ => BpfSectionKind.Other,
            };
        }
        if (_elf.FindSection(".text") is { IsExecutable: true } text) _textIndex = text.Index;
        return kinds;
    }

    private string? ReadLicense()
    {
        if (_elf.FindSection("license") is not { } s || !s.HasFileData) return null;
        var data = _elf.Data(s).Span;
        int end = data.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? data : data[..end]);
    }

    private uint? ReadVersion()
    {
        if (_elf.FindSection("version") is not { } s || !s.HasFileData) return null;
        if (s.Size != 4) throw Error($"version section is {s.Size} bytes, expected 4", s.Name);
        return BinaryPrimitives.ReadUInt32LittleEndian(_elf.Data(s).Span);
    }

    // ---- BTF ------------------------------------------------------------------------------------------------

    private void ReadBtf()
    {
        if (_elf.FindSection(".BTF") is not { HasFileData: true } btf) return;
        var data = _elf.Data(btf).Span;
        _btf = BtfReader.Read(data, (reason, offset) => Error(reason, btf.Name, offset));
        if (_elf.FindSection(".BTF.ext") is { HasFileData: true } ext)
            _btfExt = BtfExtension.Read(_elf.Data(ext).Span, BtfReader.Strings(data), (reason, offset) => Error(reason, ext.Name, offset));
    }

    // ---- maps -----------------------------------------------------------------------------------------------

    private MapType? Translate(uint raw) => MapTypeTranslation.Translate(raw, _options.MapTypeNumbering);

    private static PinningType Pinning(uint raw) => raw == (uint)PinningType.ByName ? PinningType.ByName : PinningType.None;

    private void ReadLegacyMaps(BpfSectionKind[] kinds)
    {
        foreach (var s in _elf.Sections)
        {
            if (kinds[s.Index] != BpfSectionKind.LegacyMaps || s.Size == 0) continue;
            if (!s.HasFileData) throw Error("legacy maps section has no data", s.Name);
            var symbols = _symbolsBySection[s.Index].Where(y => !y.IsSection && y.Type != ElfConstants.SttFile && y.Name.Length > 0)
                .OrderBy(y => y.Value).ToList();
            if (symbols.Count == 0) throw Error("legacy maps section has no map symbols", s.Name);
            ulong defSize = s.Size / (ulong)symbols.Count;
            if (defSize < 16) throw Error($"legacy map definitions are {defSize} bytes, fewer than the 4 required fields", s.Name);
            var data = _elf.Data(s).Span;
            var fields = new uint[9];
            foreach (var sym in symbols)
            {
                if (sym.Value > s.Size || defSize > s.Size - sym.Value)
                    throw Error($"map '{sym.Name}' at 0x{sym.Value:x} runs past the end of the section", s.Name, (long)sym.Value);
                var def = data.Slice((int)sym.Value, (int)defSize);
                Array.Clear(fields);
                for (int i = 0; i < fields.Length && (ulong)(i + 1) * 4 <= defSize; i++) fields[i] = BinaryPrimitives.ReadUInt32LittleEndian(def[(i * 4)..]);
                uint Field(int i) => fields[i];
                uint raw = Field(0);
                var type = Translate(raw);
                uint flags, pinning, id, innerId, innerIdx;
                if (defSize == 32)
                {
                    // eBPF for Windows ebpf_map_definition_in_file_t: type, key, value, max, inner_map_idx, pinning, id, inner_id.
                    flags = 0; innerIdx = Field(4); pinning = Field(5); id = Field(6); innerId = Field(7);
                }
                else if (defSize == 36)
                {
                    // iproute2 struct bpf_elf_map: type, key, value, max, flags, id, pinning, inner_id, inner_idx.
                    flags = Field(4); id = Field(5); pinning = Field(6); innerId = Field(7); innerIdx = Field(8);
                }
                else
                {
                    // Linux samples' struct bpf_load_map_def: type, key, value, max, flags, inner_map_idx, numa_node.
                    flags = Field(4); innerIdx = Field(5); pinning = 0; id = 0; innerId = 0;
                }
                var definition = new MapDefinition(type ?? MapType.Unspecified, Field(1), Field(2), Field(3), flags, Pinning(pinning));
                // A map of maps holds 4-byte map ids whatever the file says; loaders fill in a 0 (as for BTF maps below).
                if (definition is { IsMapOfMaps: true, ValueSize: 0 }) definition = definition with { ValueSize = 4 };
                bool isMapOfMaps = definition.IsMapOfMaps;
                if (_mapByLocation.ContainsKey((s.Index, sym.Value))) continue; // an alias of a map already read
                _mapByLocation[(s.Index, sym.Value)] = _maps.Count;
                _maps.Add(new BpfMap
                {
                    Index = _maps.Count, Name = sym.Name, SectionName = s.Name, Kind = BpfMapKind.Legacy, RawType = raw,
                    PlatformType = type, Definition = definition, RawPinning = pinning, Id = id, InnerId = innerId,
                    InnerMapIndex = isMapOfMaps ? (int)Math.Min(innerIdx, int.MaxValue) : null, SectionOffset = sym.Value,
                });
            }
        }
        ResolveLegacyInnerMaps();
    }

    /// <summary>
    /// The template of each legacy map of maps, as eBPF for Windows resolves it: a non-zero inner_id names the map
    /// whose id field carries it; otherwise inner_map_idx indexes the legacy maps, in order over all maps sections
    /// (as PREVAIL numbers them). A template that names no map is left unresolved, with the reason, for
    /// <see cref="BpfObject.ValidateMaps"/> to refuse.
    /// </summary>
    private void ResolveLegacyInnerMaps()
    {
        int count = _maps.Count; // legacy maps are read first: their indices are the object's
        for (int i = 0; i < count; i++)
        {
            var map = _maps[i];
            if (map.InnerMapIndex is not { } index) continue;
            int inner = map.InnerId != 0 ? _maps.FindIndex(m => m.Id == map.InnerId && m.Index != map.Index)
                : index < count && index != i ? index : -1;
            if (inner < 0)
            {
                _maps[i] = map with
                {
                    InnerMapIndex = null,
                    InnerMapProblem = map.InnerId != 0 ? new("inner_id", $"{map.InnerId} names no map of the object (no other map declares that id)")
                        : index == i ? new("inner_map_idx", $"{index} names the map itself")
                        : new("inner_map_idx", $"{index} is past the object's {count} legacy maps"),
                };
                continue;
            }
            var template = _maps[inner];
            _maps[i] = map with
            {
                InnerMapIndex = inner, InnerMap = template,
                Definition = map.Definition with { InnerMap = template.Definition },
            };
        }
    }

    private void ReadBtfMaps(BpfSectionKind[] kinds)
    {
        if (_elf.FindSection(".maps") is not { } s || kinds[s.Index] != BpfSectionKind.BtfMaps) return;
        if (s.Size == 0) return;
        if (_btf is null) throw Error("BTF-defined maps need a .BTF section, and the object has none", s.Name);
        var datasec = _btf.FindDataSection(".maps") ?? throw Error("no BTF DATASEC describes the .maps section", s.Name);
        var slots = ReadMapSlots(s);
        var mapSymbols = new Dictionary<string, ElfSymbol>(StringComparer.Ordinal);
        foreach (var y in _elf.Symbols)
            if (y.SectionIndex == s.Index && !y.IsSection && y.Name.Length > 0) mapSymbols.TryAdd(y.Name, y);
        foreach (var entry in datasec.Members)
        {
            var variable = _btf.Get(entry.Type);
            if (variable is not { Kind: BtfKind.Variable })
                throw Error($"DATASEC .maps entry refers to BTF type {entry.Type}, which is not a VAR", s.Name, entry.Offset);
            // The object's DATASEC may carry zero offsets (libbpf fixes them up from the symbols): the symbol is authoritative.
            // The size covers the .values initialisers that follow the struct (a flexible array), as the symbol's does.
            bool hasSymbol = mapSymbols.TryGetValue(variable.Name, out var mapSymbol);
            ulong mapOffset = hasSymbol ? mapSymbol.Value : entry.Offset;
            ulong mapSize = Math.Max(hasSymbol ? mapSymbol.Size : 0, Math.Max(entry.Size, _btf.SizeOf(variable.SizeOrType) ?? 0));
            if (mapOffset > s.Size || mapSize > s.Size - mapOffset)
                throw Error($"map '{variable.Name}' at 0x{mapOffset:x} runs past the end of the section", s.Name, (long)mapOffset);
            var (definition, raw, rawPinning, inner, valuesOffset) = ParseBtfMapDefinition(variable.Name, variable.SizeOrType, s, (uint)mapOffset, allowValues: true);
            var initial = slots.Where(k => k.Offset >= mapOffset + valuesOffset && k.Offset < mapOffset + mapSize)
                .Select(k => new KeyValuePair<int, string>((int)((k.Offset - mapOffset - valuesOffset) / 8), k.Name)).ToImmutableArray();
            if (!_mapByLocation.TryAdd((s.Index, mapOffset), _maps.Count))
                throw Error($"map '{variable.Name}' shares offset 0x{mapOffset:x} with another map", s.Name, (long)mapOffset);
            _maps.Add(new BpfMap
            {
                Index = _maps.Count, Name = variable.Name, SectionName = s.Name, Kind = BpfMapKind.BtfDefined, RawType = raw,
                PlatformType = Translate(raw), Definition = definition, RawPinning = rawPinning, InnerMap = inner,
                SectionOffset = mapOffset, InitialSlots = initial,
            });
        }
    }

    /// <summary>The relocations of .maps (libbpf's <c>.values = { &amp;x }</c> initialisers): byte offset and symbol name.</summary>
    private List<(ulong Offset, string Name)> ReadMapSlots(in ElfSection maps)
    {
        var result = new List<(ulong, string)>();
        foreach (var r in _elf.Sections)
        {
            if (r.Type is not (ElfConstants.ShtRel or ElfConstants.ShtRela) || r.Info != (uint)maps.Index) continue;
            foreach (var rel in _elf.Relocations(r, maps))
                result.Add((rel.Offset, _elf.Symbol(rel.SymbolIndex, r, rel.Offset).Name));
        }
        return result;
    }

    private (MapDefinition Definition, uint RawType, uint RawPinning, BpfMap? Inner, uint ValuesOffset) ParseBtfMapDefinition(
        string name, uint typeId, in ElfSection section, uint offset, bool allowValues)
    {
        var btf = _btf!;
        string sec = section.Name;
        var def = btf.SkipModifiers(typeId);
        if (def is not { Kind: BtfKind.Struct })
            throw Error($"map '{name}': its BTF type {typeId} is not a struct", sec, offset);
        uint type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, pinning = 0;
        uint? keyFromType = null, valueFromType = null;
        BpfMap? inner = null;
        uint valuesOffset = 0;
        bool hasValues = false;

        uint UintField(string field, uint memberType)
        {
            // __uint(name, N) is `int (*name)[N]`: a pointer to an array whose element count is N.
            var ptr = btf.SkipModifiers(memberType);
            if (ptr is not { Kind: BtfKind.Pointer })
                throw Error($"map '{name}': field '{field}' is not declared with __uint (expected a pointer)", sec, offset);
            var array = btf.SkipModifiers(ptr.SizeOrType);
            if (array is not { Kind: BtfKind.Array })
                throw Error($"map '{name}': field '{field}' is not declared with __uint (expected a pointer to an array)", sec, offset);
            return array.ArrayCount;
        }

        uint TypeSize(string field, uint memberType)
        {
            // __type(name, T) is `T *name`.
            var ptr = btf.SkipModifiers(memberType);
            if (ptr is not { Kind: BtfKind.Pointer })
                throw Error($"map '{name}': field '{field}' is not declared with __type (expected a pointer)", sec, offset);
            var size = btf.SizeOf(ptr.SizeOrType);
            if (size is not { } v || v > uint.MaxValue)
                throw Error($"map '{name}': the size of the {field} type cannot be determined", sec, offset);
            return (uint)v;
        }

        for (int i = 0; i < def.Members.Length; i++)
        {
            var m = def.Members[i];
            switch (m.Name)
            {
                case "type": type = UintField(m.Name, m.Type); break;
                case "max_entries": maxEntries = UintField(m.Name, m.Type); break;
                case "map_flags": flags = UintField(m.Name, m.Type); break;
                case "pinning": pinning = UintField(m.Name, m.Type); break;
                case "key_size": keySize = UintField(m.Name, m.Type); break;
                case "value_size": valueSize = UintField(m.Name, m.Type); break;
                case "numa_node" or "map_extra": UintField(m.Name, m.Type); break;
                case "key": keyFromType = TypeSize(m.Name, m.Type); break;
                case "value": valueFromType = TypeSize(m.Name, m.Type); break;
                case "values":
                {
                    // __array(values, T) is `T *values[]`: an array of pointers to the inner map's definition or to a program prototype.
                    // A template may declare values too (a program array's, ignored as a template holds none); one that
                    // holds maps would nest maps of maps, which neither kernel allows.
                    var array = btf.SkipModifiers(m.Type);
                    if (array is not { Kind: BtfKind.Array })
                        throw Error($"map '{name}': field 'values' is not declared with __array", sec, offset);
                    var ptr = btf.SkipModifiers(array.ArrayElementType);
                    if (ptr is not { Kind: BtfKind.Pointer })
                        throw Error($"map '{name}': 'values' elements are not pointers", sec, offset);
                    var target = btf.SkipModifiers(ptr.SizeOrType);
                    if (target is { Kind: BtfKind.Struct } && !allowValues)
                        throw Error($"map '{name}': values: the inner-map template holds maps itself; maps of maps nest one level only", sec, offset);
                    if (target is { Kind: BtfKind.Struct })
                    {
                        var (innerDef, innerRaw, innerPin, _, _) = ParseBtfMapDefinition(name + ".inner", ptr.SizeOrType, section, offset, allowValues: false);
                        inner = new BpfMap
                        {
                            Index = -1, Name = name + ".inner", SectionName = sec, Kind = BpfMapKind.InnerTemplate, RawType = innerRaw,
                            PlatformType = Translate(innerRaw), Definition = innerDef, RawPinning = innerPin, SectionOffset = offset,
                        };
                    }
                    else if (target is not { Kind: BtfKind.FunctionPrototype })
                        throw Error($"map '{name}': 'values' must point to a map definition or a program prototype", sec, offset);
                    hasValues = true;
                    valuesOffset = def.MemberBitOffset(i) / 8;
                    break;
                }
                default:
                    break; // libbpf ignores unknown fields unless strict; so do we.
            }
        }
        if (keyFromType is { } k)
        {
            if (keySize != 0 && keySize != k) throw Error($"map '{name}': key_size {keySize} conflicts with the key type's size {k}", sec, offset);
            keySize = k;
        }
        if (valueFromType is { } v)
        {
            if (valueSize != 0 && valueSize != v) throw Error($"map '{name}': value_size {valueSize} conflicts with the value type's size {v}", sec, offset);
            valueSize = v;
        }
        if (hasValues)
        {
            if (valueSize != 0 && valueSize != 4) throw Error($"map '{name}': a map of maps or programs has 4-byte values, not {valueSize}", sec, offset);
            valueSize = 4;
            if (keySize == 0) keySize = 4;
        }
        var definition = new MapDefinition(Translate(type) ?? MapType.Unspecified, keySize, valueSize, maxEntries, flags,
            Pinning(pinning), inner?.Definition);
        return (definition, type, pinning, inner, valuesOffset);
    }

    private void ReadGlobalData(BpfSectionKind[] kinds)
    {
        ulong globalDataTotal = 0;
        foreach (var s in _elf.Sections)
        {
            var kind = kinds[s.Index];
            if (kind is not (BpfSectionKind.Data or BpfSectionKind.ReadOnlyData or BpfSectionKind.Bss) || s.Size == 0) continue;
            globalDataTotal += s.Size;
            if (s.Size > MaxGlobalDataSize || globalDataTotal > MaxGlobalDataSize)
                throw Error($"global data exceeds the {MaxGlobalDataSize}-byte limit", s.Name);
            var initial = s.HasFileData ? ImmutableArray.Create(_elf.Data(s).Span) : ImmutableArray.Create(new byte[s.Size]);
            _dataMapBySection[s.Index] = _maps.Count;
            _maps.Add(new BpfMap
            {
                Index = _maps.Count, Name = s.Name, SectionName = s.Name, Kind = BpfMapKind.GlobalData,
                RawType = (uint)MapType.Array, PlatformType = MapType.Array,
                Definition = new MapDefinition(MapType.Array, 4, (uint)s.Size, 1) { ReadOnlyForPrograms = kind == BpfSectionKind.ReadOnlyData },
                InitialData = initial,
            });
        }
    }

    // ---- code -----------------------------------------------------------------------------------------------

    private void ReadCode()
    {
        bool anyProgramSection = _elf.Sections.Any(s => s.IsExecutable && s.Size > 0 && s.Index != _textIndex);
        // Code sections of a real object never share bytes; overlapping ones (a fuzzed header table) would make
        // decoding cost a multiple of the file size.
        ulong codeBytes = 0;
        foreach (var s in _elf.Sections)
            if (s.IsExecutable && s.HasFileData) codeBytes += s.Size;
        if (codeBytes > (ulong)_bytes.Length) throw Error($"code sections total {codeBytes} bytes, more than the file holds: they overlap");
        foreach (var s in _elf.Sections)
        {
            if (!s.IsExecutable || s.Size == 0) continue;
            if (!s.HasFileData) throw Error("code section has no data in the file", s.Name);
            if (s.Size % Instruction.Size != 0) throw Error($"code section size {s.Size} is not a multiple of 8", s.Name);
            var code = new CodeSection(s, Instruction.ReadAll(_elf.Data(s).Span));
            bool isText = s.Index == _textIndex;
            var symbols = _symbolsBySection[s.Index].Where(y => y.IsFunction && y.Name.Length > 0).OrderBy(y => y.Value).ThenBy(y => y.IsGlobal ? 0 : 1).ToList();
            int slots = code.Instructions.Length;
            for (int i = 0; i < symbols.Count; i++)
            {
                var sym = symbols[i];
                if (i > 0 && symbols[i - 1].Value == sym.Value) continue; // an alias of the previous function
                if (sym.Value % Instruction.Size != 0 || sym.Value >= s.Size)
                    throw Error($"function '{sym.Name}' starts at 0x{sym.Value:x}, not at an instruction of the section", s.Name, (long)sym.Value);
                ulong size = sym.Size;
                if (size == 0) size = (i + 1 < symbols.Count ? symbols[i + 1].Value : s.Size) - sym.Value;
                if (size % Instruction.Size != 0 || size > s.Size - sym.Value)
                    throw Error($"function '{sym.Name}' size 0x{sym.Size:x} does not fit the section", s.Name, (long)sym.Value);
                int start = (int)(sym.Value / Instruction.Size);
                if (code.Functions.Count > 0 && code.Functions[^1] is var prev && prev.Start + prev.Count > start)
                    throw Error($"function '{sym.Name}' overlaps function '{prev.Name}'", s.Name, (long)sym.Value);
                var (kind, listed) = !isText ? (BpfProgramKind.Entry, true)
                    : sym.IsGlobal ? (BpfProgramKind.GlobalFunction, true)
                    : anyProgramSection ? (BpfProgramKind.Subprogram, false) : (BpfProgramKind.Entry, true);
                code.Functions.Add(new CodeFunction(sym.Name, start, (int)(size / Instruction.Size), kind, listed));
            }
            if (code.Functions.Count == 0)
            {
                // Code without a function symbol: one unit named after its section (PREVAIL and the corpus do the same).
                // Such a .text is still listed (PREVAIL verifies every code section), but keeps its subprogram kind.
                var kind = isText && anyProgramSection ? BpfProgramKind.Subprogram : BpfProgramKind.Entry;
                code.Functions.Add(new CodeFunction(s.Name, 0, slots, kind, Listed: true));
            }
            _code[s.Index] = code;
        }
    }

    private void ReadCodeRelocations()
    {
        ulong relocationBytes = 0;
        foreach (var r in _elf.Sections)
        {
            if (r.Type is not (ElfConstants.ShtRel or ElfConstants.ShtRela)) continue;
            if (r.Info >= (uint)_elf.Sections.Count) throw Error($"relocation section applies to section {r.Info}, which does not exist", r.Name);
            if (!_code.TryGetValue((int)r.Info, out var code)) continue; // debug, BTF and data relocations need no processing
            // As for code: relocation tables that share bytes would multiply the work.
            relocationBytes += r.Size;
            if (relocationBytes > (ulong)_bytes.Length) throw Error("code relocation sections total more bytes than the file holds: they overlap", r.Name);
            if (r.Link != (uint)_elf.SymbolTableIndex)
                throw Error($"relocation section links to section {r.Link}, not to the symbol table", r.Name);
            foreach (var rel in _elf.Relocations(r, code.Section))
            {
                if (rel.Type == ElfConstants.RBpfNone) continue;
                if (rel.Offset % Instruction.Size != 0)
                    throw Error($"relocation at 0x{rel.Offset:x} is not on an instruction boundary", code.Section.Name, (long)rel.Offset);
                _elf.Symbol(rel.SymbolIndex, r, rel.Offset);
                if (!code.Relocations.TryAdd(rel.Offset, rel))
                    throw Error($"two relocations patch the instruction at 0x{rel.Offset:x}", code.Section.Name, (long)rel.Offset,
                        (int)(rel.Offset / Instruction.Size));
            }
        }
    }

    /// <summary>Static .text functions whose address an lddw takes become listed callbacks.</summary>
    private void MarkCallbacks()
    {
        foreach (var code in _code.Values)
        {
            foreach (var rel in code.Relocations.Values)
            {
                if (rel.Type != ElfConstants.RBpf64_64) continue;
                var sym = _elf.Symbols[(int)rel.SymbolIndex];
                int slot = (int)(rel.Offset / Instruction.Size);
                if (!_code.TryGetValue(sym.SectionIndex, out var target) || code.Instructions[slot].Opcode != OpCodes.LdDw) continue;
                long byteOffset = (long)sym.Value + code.Instructions[slot].Imm;
                if (byteOffset < 0 || byteOffset % Instruction.Size != 0) continue;
                var function = target.FunctionAt((int)Math.Min(byteOffset / Instruction.Size, int.MaxValue));
                if (function is not { Kind: BpfProgramKind.Subprogram, Listed: false }) continue;
                int index = target.Functions.IndexOf(function);
                target.Functions[index] = function with { Kind = BpfProgramKind.Callback, Listed = true };
            }
        }
    }

    private ImmutableArray<BpfProgram> BuildPrograms()
    {
        var programs = ImmutableArray.CreateBuilder<BpfProgram>();
        foreach (var code in _code.Values.OrderBy(c => c.Section.Index))
        {
            SectionMapping? mapping = code.Section.Index == _textIndex ? null : _registry.Resolve(code.Section.Name);
            if (_options.Strict && mapping is null && code.Section.Index != _textIndex)
                throw Error("no registered program type claims this section (strict mode)", code.Section.Name);
            foreach (var f in code.Functions)
                if (f.Listed) programs.Add(Link(code, f, mapping));
        }
        return programs.ToImmutable();
    }

    private BpfProgram Link(CodeSection mainSection, CodeFunction main, SectionMapping? mapping)
    {
        var insns = new List<Instruction>(main.Count);
        var functions = new List<(CodeSection Section, CodeFunction Function, int Start)>();
        var placed = new Dictionary<(int, int), int>();
        var mapRefs = ImmutableArray.CreateBuilder<MapReference>();
        var unresolved = ImmutableArray.CreateBuilder<UnresolvedCall>();

        int Place(CodeSection section, CodeFunction function)
        {
            if (placed.TryGetValue((section.Section.Index, function.Start), out int at)) return at;
            at = insns.Count;
            if (at + function.Count > MaxProgramSlots || (_linkedSlots += function.Count) > MaxLinkedSlots)
                throw Error($"program '{main.Name}' grows past the loader's limit of {MaxProgramSlots} slots per program " +
                    $"or {MaxLinkedSlots} linked slots per object", mainSection.Section.Name);
            placed[(section.Section.Index, function.Start)] = at;
            insns.AddRange(section.Instructions.AsSpan(function.Start, function.Count));
            functions.Add((section, function, at));
            return at;
        }

        // Links the function holding slot `target` of `section` and returns the slot's index in the linked program.
        int Resolve(CodeSection section, long target, CodeSection from, int fromSlot)
        {
            var callee = target >= 0 && target < section.Instructions.Length ? section.FunctionAt((int)target) : null;
            if (callee is null)
                throw Error($"call or function reference targets instruction {target} of '{section.Section.Name}', which is outside every function",
                    from.Section.Name, fromSlot * 8L, fromSlot);
            return Place(section, callee) + ((int)target - callee.Start);
        }

        Place(mainSection, main);
        for (int f = 0; f < functions.Count; f++)
        {
            var (section, function, start) = functions[f];
            for (int k = 0; k < function.Count; k++)
            {
                int slot = function.Start + k;
                int linked = start + k;
                var insn = insns[linked];
                bool isCall = insn.Opcode == OpCodes.Call;
                bool isLddw = insn.Opcode == OpCodes.LdDw;
                if (section.Relocations.TryGetValue((ulong)slot * Instruction.Size, out var rel))
                {
                    var sym = _elf.Symbols[(int)rel.SymbolIndex];
                    string sec = section.Section.Name;
                    long at = slot * 8L;
                    if (sym.IsUndefined && isCall && rel.Type == ElfConstants.RBpf64_32)
                    {
                        if (GlobalHelpers.All.Any(h => h.Name == sym.Name))
                            throw Error($"'{sym.Name}' is called as an external function; declare helpers with their id " +
                                "(include bpf_helpers.h) instead of as extern functions", sec, at, slot);
                        // Like PREVAIL, an unknown external leaves this program invalid without refusing the object, as
                        // another program of the file may not need it. The call is aimed before the program's start so
                        // the verifier refuses it; UnresolvedCalls says why.
                        insns[linked] = insn.WithSrc(PseudoSource.LocalCall).WithImm(-(linked + 2));
                        unresolved.Add(new UnresolvedCall(linked, sym.Name));
                        continue;
                    }
                    if (sym.IsUndefined)
                        throw Error($"{(isCall ? "call to" : "reference to")} external symbol '{sym.Name}' cannot be resolved", sec, at, slot);
                    if (!sym.IsInSection)
                        throw Error($"relocation against symbol '{sym.Name}' with special section index 0x{sym.SectionIndex:x}", sec, at, slot);
                    switch (rel.Type)
                    {
                        case ElfConstants.RBpf64_32:
                        {
                            if (!isCall) throw Error("R_BPF_64_32 relocation on an instruction that is not a call", sec, at, slot);
                            if (!_code.TryGetValue(sym.SectionIndex, out var targetSection))
                                throw Error($"call to '{sym.Name}', which is not in a code section", sec, at, slot);
                            long target = (long)(sym.Value / Instruction.Size) + insn.Imm + 1;
                            int resolved = Resolve(targetSection, target, section, slot);
                            insns[linked] = insn.WithSrc(PseudoSource.LocalCall).WithImm(resolved - (linked + 1));
                            break;
                        }
                        case ElfConstants.RBpf64_64:
                        {
                            if (!isLddw) throw Error("R_BPF_64_64 relocation on an instruction that is not lddw", sec, at, slot);
                            if (k + 1 >= function.Count) throw Error("relocated lddw is missing its second slot", sec, at, slot);
                            ApplyDataRelocation(insns, linked, insn, sym, section, slot, mapRefs, ref functions, Resolve);
                            break;
                        }
                        default:
                            throw Error($"relocation type {rel.Type} is not supported in code", sec, at, slot);
                    }
                }
                else if (isCall && insn.Src == PseudoSource.LocalCall)
                {
                    // A call to a static function of the same section carries no relocation: imm is already section-relative.
                    int resolved = Resolve(section, (long)slot + insn.Imm + 1, section, slot);
                    insns[linked] = insn.WithImm(resolved - (linked + 1));
                }
            }
        }

        var linkedFunctions = functions.Select(x => new LinkedFunction(x.Function.Name, x.Start, x.Function.Count,
            x.Section.Section.Name, x.Function.Start, x.Function.Kind,
            _btf is not null ? FunctionSignature.FromBtf(_btf, x.Function.Name) : null)).ToImmutableArray();
        return new BpfProgram
        {
            Name = main.Name, SectionName = mainSection.Section.Name, Kind = main.Kind,
            SectionOffset = (ulong)main.Start * Instruction.Size, SectionMapping = mapping,
            Instructions = [.. insns], MainInstructionCount = main.Count, Functions = linkedFunctions,
            MapReferences = mapRefs.ToImmutable(), SourceLines = SourceLinesOf(functions), UnresolvedCalls = unresolved.ToImmutable(),
        };
    }

    private delegate int ResolveTarget(CodeSection section, long target, CodeSection from, int fromSlot);

    private void ApplyDataRelocation(List<Instruction> insns, int linked, Instruction insn, ElfSymbol sym, CodeSection section,
        int slot, ImmutableArray<MapReference>.Builder mapRefs, ref List<(CodeSection, CodeFunction, int)> functions, ResolveTarget resolve)
    {
        string sec = section.Section.Name;
        long at = slot * 8L;
        var second = insns[linked + 1];
        if (_dataMapBySection.TryGetValue(sym.SectionIndex, out int dataMap))
        {
            ulong offset = sym.Value + (ulong)(uint)insn.Imm;
            if (offset > uint.MaxValue) throw Error($"global data offset 0x{offset:x} is too large", sec, at, slot);
            insns[linked] = insn.WithSrc(PseudoSource.MapValue).WithImm(dataMap);
            insns[linked + 1] = second.WithImm((int)offset);
            mapRefs.Add(new MapReference(linked, dataMap, MapReferenceKind.MapValue, (uint)offset));
            return;
        }
        var symSection = _elf.Sections[sym.SectionIndex];
        if (symSection.Name == ".maps" || symSection.Name == "maps" || symSection.Name.StartsWith("maps/", StringComparison.Ordinal))
        {
            ulong offset = sym.Value + (sym.IsSection ? (ulong)(uint)insn.Imm : 0);
            if (!_mapByLocation.TryGetValue((sym.SectionIndex, offset), out int map))
                throw Error($"lddw refers to '{sym.Name}' at 0x{offset:x} of '{symSection.Name}', where no map is defined", sec, at, slot);
            insns[linked] = insn.WithSrc(PseudoSource.MapFd).WithImm(map);
            insns[linked + 1] = second.WithImm(0);
            mapRefs.Add(new MapReference(linked, map, MapReferenceKind.Map, 0));
            return;
        }
        if (_code.TryGetValue(sym.SectionIndex, out var targetSection))
        {
            // A function pointer (callback): libbpf's RELO_SUBPROG_ADDR; the lddw becomes BPF_PSEUDO_FUNC.
            long byteOffset = (long)sym.Value + insn.Imm;
            if (byteOffset % Instruction.Size != 0) throw Error("function reference is not instruction-aligned", sec, at, slot);
            int resolved = resolve(targetSection, byteOffset / Instruction.Size, section, slot);
            insns[linked] = insn.WithSrc(PseudoSource.Func).WithImm(resolved - (linked + 1));
            return;
        }
        throw Error($"lddw refers to '{sym.Name}' in section '{symSection.Name}', which holds no map, global data or code", sec, at, slot);
    }

    // ---- line info ------------------------------------------------------------------------------------------

    private ImmutableArray<SourceLine> SourceLinesOf(List<(CodeSection Section, CodeFunction Function, int Start)> functions)
    {
        if (_btfExt is null) return [];
        var result = ImmutableArray.CreateBuilder<SourceLine>();
        foreach (var (section, function, start) in functions)
        {
            if (!_lineTables.TryGetValue(section.Section.Name, out var table))
            {
                table = new SourceLineTable(_btfExt.Lines.TryGetValue(section.Section.Name, out var list) ? list : []);
                _lineTables[section.Section.Name] = table;
            }
            table.AppendRange(function.Start, function.Count, start, result);
        }
        result.Sort((a, b) => a.InstructionIndex.CompareTo(b.InstructionIndex));
        return result.ToImmutable();
    }
}
