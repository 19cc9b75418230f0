using System.Buffers.Binary;
using Ebpf.Isa;
using Ebpf.Platform;

namespace Ebpf.Elf.Tests;

/// <summary>Options, error reporting and the corner cases of program listing.</summary>
public sealed class LoaderBehaviourTests
{
    private static string Corpus(string path) => Path.Combine(CorpusExpectations.Root, path);

    [Fact]
    public void UnclaimedSectionsLoadWithUnknownTypeUnlessStrict()
    {
        // A Linux socket filter: no eBPF for Windows extension registers a prefix of "socket_filter".
        var path = Corpus("build/correlated_branch2.o");
        var obj = BpfObject.Open(path);
        var program = obj.Programs.Single(p => p.SectionName == "socket_filter");
        Assert.Null(program.SectionMapping);
        Assert.Equal(Guid.Empty, program.ProgramType);

        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(path, new BpfObjectOpenOptions { Strict = true }));
        Assert.Equal("socket_filter", e.Section);
        Assert.Equal(path, e.FileName);
        Assert.Contains("socket_filter", e.Message);

        var registry = SectionRegistry.CreateDefault();
        registry.Register(new SectionMapping("socket_filter", WellKnownProgramTypes.XdpTestGuid, WellKnownAttachTypes.XdpTest, 9));
        var claimed = BpfObject.Open(path, new BpfObjectOpenOptions { Strict = true, Sections = registry });
        Assert.Equal(WellKnownProgramTypes.XdpTestGuid, claimed.Programs.Single(p => p.SectionName == "socket_filter").ProgramType);
    }

    [Fact]
    public void RegisteredSectionsResolveToTheirProgramAndAttachTypes()
    {
        var obj = BpfObject.Open(LlvmTools.Sample("bpf2bpf.o"));
        var connect = obj.FindProgram("authorize_connect4")!;
        Assert.Equal((WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Connect), (connect.ProgramType, connect.ExpectedAttachType));
        Assert.Equal(WellKnownProgramTypes.SockOpsGuid, obj.FindProgram("track_connection")!.ProgramType);
        Assert.Equal(Guid.Empty, obj.FindProgram("is_loopback")!.ProgramType);
    }

    [Fact]
    public void RawMapTypesAreKeptAndInterpretedUnderTheChosenNumbering()
    {
        // Built with Linux headers: BPF_MAP_TYPE_ARRAY_OF_MAPS is 12 there, which is STACK in Windows numbering.
        var path = Corpus("build/map_in_map.o");
        var windows = BpfObject.Open(path);
        var linux = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux });
        var outerWindows = windows.Maps.Single(m => m.Name == "array_of_maps");
        var outerLinux = linux.Maps.Single(m => m.Name == "array_of_maps");
        Assert.Equal(12u, outerWindows.RawType);
        Assert.Equal(12u, outerLinux.RawType);
        Assert.Equal(MapType.Stack, outerWindows.PlatformType);
        Assert.Equal(MapType.ArrayOfMaps, outerLinux.PlatformType);
        Assert.NotNull(outerLinux.InnerMap);
    }

    [Theory]
    [InlineData(1u, MapTypeNumbering.Windows, MapType.Hash)]
    [InlineData(14u, MapTypeNumbering.Windows, MapType.PerfEventArray)]
    [InlineData(4u, MapTypeNumbering.Linux, MapType.PerfEventArray)]
    [InlineData(9u, MapTypeNumbering.Linux, MapType.LruHash)]
    [InlineData(13u, MapTypeNumbering.Linux, MapType.HashOfMaps)]
    [InlineData(22u, MapTypeNumbering.Linux, MapType.Queue)]
    [InlineData(27u, MapTypeNumbering.Linux, MapType.Ringbuf)]
    [InlineData(15u, MapTypeNumbering.Windows, MapType.SampleHashMap)]
    [InlineData(16u, MapTypeNumbering.Windows, null)]
    [InlineData(7u, MapTypeNumbering.Linux, null)]
    public void MapTypeTranslationFollowsTheNumbering(uint raw, MapTypeNumbering numbering, MapType? expected) =>
        Assert.Equal(expected, MapTypeTranslation.Translate(raw, numbering));

    [Fact]
    public void OpeningFromMemoryGivesTheSameModel()
    {
        var path = LlvmTools.Sample("map_in_map.o");
        var fromFile = BpfObject.Open(path);
        var fromMemory = BpfObject.Open(File.ReadAllBytes(path), "in-memory");
        Assert.Equal("in-memory", fromMemory.FileName);
        Assert.Equal(fromFile.Programs.Select(p => (p.Name, p.Instructions.Length)), fromMemory.Programs.Select(p => (p.Name, p.Instructions.Length)));
        Assert.Equal(fromFile.Maps.Select(m => m.Definition), fromMemory.Maps.Select(m => m.Definition));
    }

    [Fact]
    public void ARelocationOnTheWrongInstructionNamesSectionAndInstruction()
    {
        var path = LlvmTools.Sample("maps.o");
        var dump = LlvmTools.ReadElf(path);
        var bytes = File.ReadAllBytes(path);
        var rel = dump.SectionNamed(".relbind");
        var first = dump.Relocations["bind"][0];
        // Point the first map relocation at slot 0, which is not an lddw.
        Assert.NotEqual(0UL, first.Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)rel.FileOffset), 0);
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(bytes, "patched.o"));
        Assert.Equal("bind", e.Section);
        Assert.Equal(0, e.InstructionIndex);
        Assert.StartsWith("patched.o: section 'bind', instruction 0", e.Message);
    }

    [Fact]
    public void ABogusSymbolIndexInACodeRelocationIsRefused()
    {
        var path = LlvmTools.Sample("bpf2bpf.o");
        var dump = LlvmTools.ReadElf(path);
        var bytes = File.ReadAllBytes(path);
        var rel = dump.SectionNamed(".relsockops");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)rel.FileOffset + 12), 0xFFFF);
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(bytes, "bogus.o"));
        Assert.Equal(".relsockops", e.Section);
        Assert.Contains("symbol 65535", e.Message);
    }

    [Fact]
    public void HelpersDeclaredAsExternFunctionsAreRefusedByName()
    {
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(Corpus("build/externalfunction.o")));
        Assert.Contains("bpf_map_lookup_elem", e.Message);
        Assert.Equal(6, e.InstructionIndex);
    }

    [Fact]
    public void UnknownExternalCallsLeaveTheProgramForTheVerifierToRefuse()
    {
        var program = BpfObject.Open(Corpus("build/badrelo.o")).Programs.Single();
        var call = Assert.Single(program.UnresolvedCalls);
        Assert.Equal("ebpf_map_update_elem", call.Symbol);
        var insn = program.Instructions[call.InstructionIndex];
        Assert.Equal((OpCodes.Call, PseudoSource.LocalCall), (insn.Opcode, insn.Src));
        Assert.True(call.InstructionIndex + 1 + insn.Imm < 0, "the call must target a slot outside the program");
    }

    [Fact]
    public void AddressTakenStaticFunctionsAreListedAsCallbacks()
    {
        var obj = BpfObject.Open(Corpus("cilium-core/bpf_overlay.o"));
        var callback = obj.Programs.Single(p => p.Name == "__mcast_ep_delivery");
        Assert.Equal(BpfProgramKind.Callback, callback.Kind);
        var user = obj.Programs.First(p => p.Functions.Any(f => f.Name == "__mcast_ep_delivery" && f.InstructionIndex > 0));
        var lddw = user.Instructions.Select((insn, i) => (insn, i)).First(x => x.insn.Opcode == OpCodes.LdDw && x.insn.Src == PseudoSource.Func);
        Assert.Equal(user.Functions.Single(f => f.Name == "__mcast_ep_delivery").InstructionIndex, lddw.i + 1 + lddw.insn.Imm);
    }

    [Fact]
    public void TextOnlyObjectsListTheirTextFunctions()
    {
        var obj = BpfObject.Open(Corpus("build/badhelpercall.o"));
        var program = Assert.Single(obj.Programs);
        Assert.Equal((".text", "func"), (program.SectionName, program.Name));
    }

    [Fact]
    public void MissingFilesAreReportedAsObjectErrors()
    {
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open("/nonexistent/x.o"));
        Assert.Equal("/nonexistent/x.o", e.FileName);
    }

    [Fact]
    public void LargeCorpusObjectsCarryBtfLineInfo()
    {
        var obj = BpfObject.Open(Corpus("cilium-core/bpf_sock.o"));
        Assert.NotNull(obj.Btf);
        Assert.All(obj.Programs, p => Assert.NotEmpty(p.SourceLines));
        var program = obj.Programs[0];
        Assert.Equal(program.SourceLines[^1], program.SourceLineAt(program.Instructions.Length - 1));
    }

    [Fact]
    public void OverlappingCodeSectionsAreRefusedBeforeTheyMultiplyWork()
    {
        // Make the (non-code) license section an executable section spanning the whole file.
        var path = LlvmTools.Sample("bpf2bpf.o");
        var dump = LlvmTools.ReadElf(path);
        var bytes = File.ReadAllBytes(path);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        int header = (int)shoff + dump.SectionNamed("license").Index * 64;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 8), 0x6); // SHF_ALLOC | SHF_EXECINSTR
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 24), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 32), (ulong)bytes.Length / 8 * 8);
        var e = Assert.Throws<BpfObjectException>(() => BpfObject.Open(bytes, "overlap.o"));
        Assert.Contains("overlap", e.Reason);
    }
}
