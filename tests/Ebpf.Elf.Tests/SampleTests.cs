using System.Buffers.Binary;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.TestSupport;

namespace Ebpf.Elf.Tests;

/// <summary>The samples (samples/*.c, built by samples/build.sh) against LLVM's reading of the same objects.</summary>
public sealed class SampleTests
{
    private static readonly string[] Samples = ["maps.o", "map_in_map.o", "global_data.o", "bpf2bpf.o", "legacy_maps.o", "btf_kinds.o"];

    public static TheoryData<string> SampleNames => [.. Samples];

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void ProgramsAreTheFunctionsOfProgramSectionsAndGlobalTextFunctions(string sample)
    {
        var path = LlvmTools.Sample(sample);
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        var codeSections = dump.Sections.Where(s => s.Type == "PROGBITS" && s.Size > 0 && obj.Sections[s.Index].Kind is BpfSectionKind.Program or BpfSectionKind.Text)
            .ToDictionary(s => s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Name);
        var expected = dump.Symbols.Where(s => s.Type == "FUNC" && codeSections.ContainsKey(s.Ndx) && (codeSections[s.Ndx] != ".text" || s.Bind == "GLOBAL"))
            .Select(s => (codeSections[s.Ndx], s.Name)).Order().ToList();
        Assert.Equal(expected, obj.Programs.Select(p => (p.SectionName, p.Name)).Order().ToList());
        foreach (var p in obj.Programs)
        {
            var symbol = dump.Symbols.Single(s => s.Name == p.Name && s.Type == "FUNC");
            Assert.Equal(symbol.Value, p.SectionOffset);
            Assert.Equal((int)(symbol.Size / 8), p.MainInstructionCount);
            Assert.Equal(p.SectionName == ".text" ? BpfProgramKind.GlobalFunction : BpfProgramKind.Entry, p.Kind);
            Assert.Equal("MIT", obj.License);
        }
    }

    [Fact]
    public void FunctionSignaturesComeFromBtfPrototypes()
    {
        // bpf2bpf.c: int is_loopback(uint32_t address), global; static uint32_t sum_bytes(const uint8_t* bytes,
        // uint32_t count); int authorize_connect4(bpf_sock_addr_t* ctx), an entry program calling both.
        var obj = BpfObject.Open(LlvmTools.Sample("bpf2bpf.o"));
        var global = obj.Programs.Single(p => p.Name == "is_loopback");
        Assert.Equal([new FunctionParameter("address", FunctionParameterKind.Scalar)], global.GlobalFunctionSignature!.Parameters.ToArray());
        Assert.Equal([FunctionArgument.Number], global.GlobalFunctionSignature.ToArguments("bpf_sock_addr").ToArray());

        var entry = obj.Programs.Single(p => p.Name == "authorize_connect4");
        Assert.Null(entry.GlobalFunctionSignature);
        Assert.Equal("bpf_sock_addr", entry.ContextTypeName);
        var sumBytes = entry.Functions.Single(f => f.Name == "sum_bytes");
        Assert.Equal([new FunctionParameter("bytes", FunctionParameterKind.Pointer, "unsigned char", 1),
            new FunctionParameter("count", FunctionParameterKind.Scalar)], sumBytes.Signature!.Parameters.ToArray());
        Assert.Equal([FunctionArgument.Memory(1), FunctionArgument.Number], sumBytes.Signature.ToArguments(entry.ContextTypeName).ToArray());
        var entrySignature = entry.Functions[0].Signature!;
        Assert.Equal([FunctionArgument.Context], entrySignature.ToArguments(entry.ContextTypeName).ToArray());
        // Not known as the context, the pointer is to sizeof(struct bpf_sock_addr) = 64 bytes (60 with padding, 8-aligned).
        Assert.Equal([FunctionArgument.Memory(64)], entrySignature.ToArguments(null).ToArray());

        var calledGlobal = entry.Functions.Single(f => f.Name == "is_loopback");
        var called = Assert.Single(entry.CalledGlobalFunctions(entry.ContextTypeName));
        Assert.Equal(calledGlobal.InstructionIndex, called.Key);
        Assert.Equal([FunctionArgument.Number], called.Value.ToArray());
    }

    [Fact]
    public void BtfMapsSitAtTheirSymbolsAndCarryTheDeclaredDefinitions()
    {
        var path = LlvmTools.Sample("maps.o");
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        var symbols = dump.SymbolsIn(".maps").Where(s => s.Type == "OBJECT").ToList();
        Assert.Equal(symbols.Select(s => s.Name).Order(), obj.Maps.Select(m => m.Name).Order());
        foreach (var s in symbols) Assert.Equal(s.Value, obj.FindMap(s.Name)!.SectionOffset);

        // The definitions as written in samples/maps.c.
        Assert.Equal(new MapDefinition(MapType.Hash, 8, 16, 1024), obj.FindMap("process_map")!.Definition);
        Assert.Equal(new MapDefinition(MapType.Array, 4, 8, 4), obj.FindMap("bind_counters")!.Definition);
        Assert.Equal(new MapDefinition(MapType.LruHash, 16, 4, 128, 0, PinningType.ByName), obj.FindMap("recent_addresses")!.Definition);
        Assert.Equal(new MapDefinition(MapType.LpmTrie, 8, 4, 64, 1), obj.FindMap("blocked_prefixes")!.Definition);
        Assert.Equal(new MapDefinition(MapType.Ringbuf, 0, 0, 65536), obj.FindMap("events")!.Definition);
        Assert.Equal(new MapDefinition(MapType.PercpuArray, 4, 4, 1), obj.FindMap("scratch")!.Definition);
        Assert.All(obj.Maps, m => Assert.Equal((uint)m.Definition.Type, m.RawType));

        // Every R_BPF_64_64 of the program section is a map reference at that instruction, to the map of that symbol.
        var program = obj.Programs.Single();
        var relocations = dump.Relocations["bind"].Where(r => r.Type == "R_BPF_64_64").ToList();
        Assert.Equal(relocations.Count, program.MapReferences.Length);
        foreach (var r in relocations)
        {
            var reference = program.MapReferences.Single(x => x.InstructionIndex == (int)(r.Offset / 8));
            Assert.Equal(r.SymbolName, obj.Maps[reference.MapIndex].Name);
            Assert.Equal(MapReferenceKind.Map, reference.Kind);
            var insn = program.Instructions[reference.InstructionIndex];
            Assert.Equal((OpCodes.LdDw, PseudoSource.MapFd, reference.MapIndex), (insn.Opcode, insn.Src, insn.Imm));
        }
    }

    [Fact]
    public void MapInMapTemplatesAndInitialSlotsComeFromTheValuesArray()
    {
        var path = LlvmTools.Sample("map_in_map.o");
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        var outer = obj.FindMap("outer_array")!;
        Assert.Equal(MapType.ArrayOfMaps, outer.Definition.Type);
        Assert.Equal(new MapDefinition(MapType.Array, 4, 4, 8), outer.InnerMap!.Definition);
        Assert.Equal(outer.InnerMap.Definition, outer.Definition.InnerMap);
        var hash = obj.FindMap("outer_hash")!;
        Assert.Equal(new MapDefinition(MapType.HashOfMaps, 4, 4, 16, InnerMap: new MapDefinition(MapType.Hash, 8, 8, 32)), hash.Definition);
        var programs = obj.FindMap("programs")!;
        Assert.Equal(new MapDefinition(MapType.ProgArray, 4, 4, 4), programs.Definition);
        Assert.Null(programs.InnerMap);

        // The .values initialisers are the relocations of .maps: slot = (offset - map - values member) / 8.
        var mapRelocations = dump.Relocations[".maps"];
        Assert.Equal(mapRelocations.Select(r => r.SymbolName).Order(),
            obj.Maps.SelectMany(m => m.InitialSlots).Select(s => s.Value).Order());
        Assert.Equal([new KeyValuePair<int, string>(0, "inner_a")], outer.InitialSlots.ToArray());
        Assert.Equal([new KeyValuePair<int, string>(1, "tail_target")], programs.InitialSlots.ToArray());
    }

    [Fact]
    public void GlobalDataSectionsBecomeOneEntryArraysWithTheirBytes()
    {
        var path = LlvmTools.Sample("global_data.o");
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        foreach (var name in new[] { ".data", ".rodata", ".bss" })
        {
            var section = dump.SectionNamed(name);
            var map = obj.FindMap(name)!;
            Assert.Equal(BpfMapKind.GlobalData, map.Kind);
            Assert.Equal(new MapDefinition(MapType.Array, 4, (uint)section.Size, 1) { ReadOnlyForPrograms = name == ".rodata" }, map.Definition);
            Assert.Equal(name == ".rodata", map.IsReadOnly);
            byte[] expected = section.Type == "NOBITS" ? new byte[section.Size] : LlvmTools.SectionBytes(path, name);
            Assert.Equal(expected, map.InitialData.ToArray());
        }

        // Each R_BPF_64_64 becomes a MapValue reference: map = the symbol's section, offset = symbol value + lddw imm.
        var program = obj.Programs.Single();
        var code = LlvmTools.SectionBytes(path, "xdp_test");
        var relocations = dump.Relocations["xdp_test"];
        Assert.Equal(relocations.Count, program.MapReferences.Length);
        foreach (var r in relocations)
        {
            var symbol = dump.Symbols[r.SymbolIndex];
            var sectionName = dump.Sections.Single(s => s.Index == int.Parse(symbol.Ndx, System.Globalization.CultureInfo.InvariantCulture)).Name;
            int slot = (int)(r.Offset / 8);
            int imm = BinaryPrimitives.ReadInt32LittleEndian(code.AsSpan((int)r.Offset + 4));
            var reference = program.MapReferences.Single(x => x.InstructionIndex == slot);
            Assert.Equal(sectionName, obj.Maps[reference.MapIndex].Name);
            Assert.Equal(MapReferenceKind.MapValue, reference.Kind);
            Assert.Equal((uint)(symbol.Value + (ulong)imm), reference.Offset);
            Assert.Equal(PseudoSource.MapValue, program.Instructions[slot].Src);
            Assert.Equal((int)reference.Offset, program.Instructions[slot + 1].Imm);
        }
    }

    [Fact]
    public void CalledSubprogramsAreAppendedOnceAndCallsLandOnThem()
    {
        var path = LlvmTools.Sample("bpf2bpf.o");
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        var text = LlvmTools.SectionBytes(path, ".text");
        var textFunctions = dump.SymbolsIn(".text").Where(s => s.Type == "FUNC").ToList();
        foreach (var program in obj.Programs)
        {
            var sectionBytes = LlvmTools.SectionBytes(path, program.SectionName);
            // Callees from LLVM's relocations: global functions by name; static ones through the .text symbol + imm.
            var callees = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var r in dump.Relocations.GetValueOrDefault(program.SectionName, []).Where(r => r.Type == "R_BPF_64_32"))
            {
                if (r.Offset < program.SectionOffset || r.Offset >= program.SectionOffset + (ulong)program.MainInstructionCount * 8) continue;
                int imm = BinaryPrimitives.ReadInt32LittleEndian(sectionBytes.AsSpan((int)r.Offset + 4));
                ulong target = dump.Symbols[r.SymbolIndex].Value + (ulong)((imm + 1) * 8);
                callees.Add(textFunctions.Single(f => f.Value == target).Name);
            }
            Assert.Equal(callees, program.Functions.Skip(1).Select(f => f.Name).ToHashSet());
            Assert.Equal(program.Functions.Length, program.Functions.Select(f => f.Name).Distinct().Count());

            // Appended functions carry LLVM's bytes, and every local call lands on the first slot of its callee.
            foreach (var f in program.Functions.Skip(1))
            {
                var symbol = textFunctions.Single(s => s.Name == f.Name);
                var original = Instruction.ReadAll(text.AsSpan((int)symbol.Value, (int)symbol.Size));
                for (int k = 0; k < original.Length; k++)
                {
                    var linked = program.Instructions[f.InstructionIndex + k];
                    if (linked.Opcode == OpCodes.Call && linked.Src == PseudoSource.LocalCall) continue;
                    Assert.Equal(original[k], linked);
                }
            }
            var starts = program.Functions.Select(f => f.InstructionIndex).ToHashSet();
            for (int i = 0; i < program.Instructions.Length; i++)
            {
                var insn = program.Instructions[i];
                if (insn.Opcode == OpCodes.Call && insn.Src == PseudoSource.LocalCall) Assert.Contains(i + 1 + insn.Imm, starts);
            }
        }
        Assert.Contains(obj.Programs, p => p.Functions.Length == 3);
    }

    [Fact]
    public void SourceLinesQuoteTheSampleSource()
    {
        var obj = BpfObject.Open(LlvmTools.Sample("bpf2bpf.o"));
        var source = File.ReadAllLines(RepoPaths.RepoPath("samples", "bpf2bpf.c"));
        int checkedLines = 0;
        foreach (var program in obj.Programs)
        {
            Assert.NotEmpty(program.SourceLines);
            Assert.Equal(0, program.SourceLines[0].InstructionIndex);
            foreach (var line in program.SourceLines.Where(l => l.Line > 0))
            {
                Assert.EndsWith("bpf2bpf.c", line.FileName);
                Assert.Equal(source[line.Line - 1].Trim(), line.Text.Trim());
                Assert.InRange(line.InstructionIndex, 0, program.Instructions.Length - 1);
                checkedLines++;
            }
            // The appended subprograms bring their own lines along.
            foreach (var f in program.Functions.Skip(1))
                Assert.Contains(program.SourceLines, l => l.InstructionIndex == f.InstructionIndex);
        }
        Assert.True(checkedLines > 10);
    }

    [Fact]
    public void LegacyMapsAreReadFromTheMapsSectionBytes()
    {
        var path = LlvmTools.Sample("legacy_maps.o");
        var dump = LlvmTools.ReadElf(path);
        var obj = BpfObject.Open(path);
        var bytes = LlvmTools.SectionBytes(path, "maps");
        var symbols = dump.SymbolsIn("maps").OrderBy(s => s.Value).ToList();
        Assert.Equal(32 * symbols.Count, bytes.Length);
        var legacy = obj.Maps.Where(m => m.Kind == BpfMapKind.Legacy).ToList();
        Assert.Equal(symbols.Select(s => s.Name), legacy.Select(m => m.Name));
        foreach (var (symbol, map) in symbols.Zip(legacy))
        {
            var f = Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)symbol.Value + 4 * i))).ToArray();
            Assert.Equal(f[0], map.RawType);
            Assert.Equal((f[1], f[2], f[3]), (map.Definition.KeySize, map.Definition.ValueSize, map.Definition.MaxEntries));
            Assert.Equal(f[5], map.RawPinning);
            Assert.Equal((f[6], f[7]), (map.Id, map.InnerId));
        }
        var outer = obj.FindMap("outer_by_index")!;
        Assert.Equal(1, outer.InnerMapIndex);
        Assert.Equal("inner_template", outer.InnerMap!.Name);
        Assert.Equal(PinningType.ByName, outer.Definition.Pinning);
        Assert.Equal(1u, obj.KernelVersion);
    }
}
