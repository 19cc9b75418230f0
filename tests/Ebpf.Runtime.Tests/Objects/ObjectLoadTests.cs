using System.Buffers.Binary;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Pinning;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Maps;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Objects;

public class ObjectLoadTests
{
    private static EbpfRuntime NewRuntime(PinNamespace? pins = null) =>
        new EbpfRuntime(new AbstractInterpretationVerifier(), pins).Use(new SampleExtension()).Use(new NetExtension());

    private static byte[] SampleContext(uint uint32Data)
    {
        var ctx = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(16), uint32Data);
        return ctx;
    }

    /// <summary>What samples/tail_calls.c computes: entry doubles u, stage_one adds 100, stage_two returns
    /// 3 * (sum of the first 16 packet bytes) + u + the hop count so far.</summary>
    private static (uint Result, uint U) TailCallChain(byte[] data, uint u, ulong hopsSoFar)
    {
        u = u * 2 + 100;
        uint sum = 0;
        foreach (byte b in data.Take(16)) sum += b;
        return ((uint)(3 * sum + u + hopsSoFar + 3), u);
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void TailCallChainWithSubprogramRunsVerified(ExecutionEngine engine)
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("tail_calls"), new ObjectLoadOptions { Engine = engine });
        Assert.Equal(["stage_two", "stage_one", "entry"], loaded.ProgramList.Select(p => p.Name));
        var stages = (ProgramArrayMap)loaded.Map("stages");
        Assert.Same(loaded.Program("stage_one"), stages.GetProgram(1));
        Assert.Same(loaded.Program("stage_two"), stages.GetProgram(2));
        Assert.Null(stages.GetProgram(0));

        byte[] data = [.. Enumerable.Range(1, 20).Select(i => (byte)(i * 7))];
        var result = runtime.TestRun(loaded.Program("entry"), new TestRunOptions { DataIn = data, ContextIn = SampleContext(7) });
        Assert.Equal(TailCallChain(data, 7, 0).Result, result.ReturnValue);
        Assert.Equal(data, result.DataOut);
        Assert.Equal(TailCallChain(data, 7, 0).U, BinaryPrimitives.ReadUInt32LittleEndian(result.ContextOut.AsSpan(16)));
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64LittleEndian(result.ContextOut)); // data pointers are cleared
        Assert.Equal(3ul, Bytes.As<ulong>(loaded.Map("hops").Lookup(Bytes.Of(0u))));

        // Repeated runs share the context: u evolves run by run, and the hop count grows by three each time.
        var repeated = runtime.TestRun(loaded.Program("entry"), new TestRunOptions { DataIn = data, ContextIn = SampleContext(1), Repeat = 4 });
        (uint expected, uint u) = (0, 1);
        for (int run = 0; run < 4; run++) (expected, u) = TailCallChain(data, u, 3 + 3ul * (ulong)run);
        Assert.Equal(expected, repeated.ReturnValue);
        Assert.Equal(4, repeated.Repeat);
    }

    [Fact]
    public void RepeatZeroCountsAsOneAndNegativeIsRefused()
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("tail_calls"));
        var once = runtime.TestRun(loaded.Program("stage_two"), new TestRunOptions { ContextIn = SampleContext(5), Repeat = 0 });
        Assert.Equal(1, once.Repeat);
        Assert.Equal(5u + 1, once.ReturnValue);
        var error = Assert.Throws<EbpfException>(() => runtime.TestRun(loaded.Program("stage_two"), new TestRunOptions { Repeat = -1 }));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
    }

    [Fact]
    public void ContextTheExtensionRefusesIsInvalidArgument()
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("tail_calls"));
        var error = Assert.Throws<EbpfException>(() => runtime.TestRun(loaded.Program("entry"), new TestRunOptions { ContextIn = new byte[5] }));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("ctx_in is 5 bytes", error.Message);
        Assert.DoesNotContain("Parameter", error.Message);
    }

    [Fact]
    public void TypeWithoutContextFactoryCannotBeTestRun()
    {
        var runtime = new EbpfRuntime();
        runtime.Extensions.Register(new NoContextProvider());
        var program = runtime.Extensions.LoadProgram(new ProgramLoadRequest("p", "p", NoContextProvider.Type.ProgramType,
            [.. Isa.Assembler.Assemble("mov %r0, 1\nexit")]) { Unverified = true });
        var error = Assert.Throws<EbpfException>(() => runtime.TestRun(program));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("cannot build test contexts", error.Message);
    }

    [Fact]
    public void GlobalDataSectionsBecomeArraysWithTheirInitialBytes()
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("global_data"));
        var program = loaded.Program("filter_interface");
        byte[] Context(uint ifindex)
        {
            var ctx = new byte[32];
            BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(24), ifindex);
            return ctx;
        }
        // blocked_ifindex (.rodata) is 7; verdict_when_blocked (.data) is XDP_DROP (2); otherwise XDP_PASS (1).
        Assert.Equal(2u, runtime.TestRun(program, new TestRunOptions { ContextIn = Context(7), DataIn = new byte[4] }).ReturnValue);
        Assert.Equal(1u, runtime.TestRun(program, new TestRunOptions { ContextIn = Context(3), DataIn = new byte[4] }).ReturnValue);

        var bss = loaded.Maps.Single(m => m.Key.EndsWith(".bss", StringComparison.Ordinal)).Value;
        Assert.Equal(2ul, Bytes.As<ulong>(bss.Lookup(Bytes.Of(0u))));   // packets_seen counted both runs
        var data = loaded.Maps.Single(m => m.Key.EndsWith(".data", StringComparison.Ordinal)).Value;
        Assert.Equal(2u, Bytes.As<uint>(data.Lookup(Bytes.Of(0u))));
        // Changing the global from user mode changes what the program returns.
        var value = data.Lookup(Bytes.Of(0u));
        BinaryPrimitives.WriteUInt32LittleEndian(value, 3);
        data.Update(Bytes.Of(0u), value);
        Assert.Equal(3u, runtime.TestRun(program, new TestRunOptions { ContextIn = Context(7), DataIn = new byte[4] }).ReturnValue);
    }

    [Fact]
    public void GlobalDataIsReachableInCheckedUnverifiedRuns()
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("global_data"), new ObjectLoadOptions { Unverified = true, Engine = ExecutionEngine.Interpreter });
        Assert.Equal(Interpretation.ExecutionMode.Checked, loaded.Program("filter_interface").Mode);
        var ctx = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(24), 7);
        Assert.Equal(2u, runtime.TestRun(loaded.Program("filter_interface"), new TestRunOptions { ContextIn = ctx, DataIn = new byte[4] }).ReturnValue);
    }

    [Fact]
    public void MapInMapAndProgramArraySlotsAreFilled()
    {
        var runtime = NewRuntime();
        using var loaded = runtime.Load(SampleObjects.Path("map_in_map"), new ObjectLoadOptions { Unverified = true });
        var outer = (MapOfMaps)loaded.Map("outer_array");
        Assert.Same(loaded.Map("inner_a"), outer.GetInnerMap(Bytes.Of(0u)));
        Assert.Null(outer.GetInnerMap(Bytes.Of(1u)));
        Assert.Same(loaded.Program("tail_target"), ((ProgramArrayMap)loaded.Map("programs")).GetProgram(1));
        // lookup_nested: inner_a[u & 7] holds 0, outer_hash has no inner map for 0, so it tail-calls tail_target: u + 1.
        var result = runtime.TestRun(loaded.Program("lookup_nested"), new TestRunOptions { ContextIn = SampleContext(41) });
        Assert.Equal(42u, result.ReturnValue);
    }

    [Fact]
    public void PinnedByNameMapsAreReusedAcrossLoadsAndIncompatibleOnesRefused()
    {
        var pins = new PinNamespace();
        var runtime = NewRuntime(pins);
        using (var first = runtime.Load(SampleObjects.Path("maps"), new ObjectLoadOptions { Unverified = true }))
        using (var second = runtime.Load(SampleObjects.Path("maps"), new ObjectLoadOptions { Unverified = true }))
        {
            Assert.Empty(first.ReusedPinnedMaps);
            Assert.Equal(["recent_addresses"], second.ReusedPinnedMaps);
            Assert.Same(first.Map("recent_addresses"), second.Map("recent_addresses"));
            Assert.NotSame(first.Map("bind_counters"), second.Map("bind_counters"));
        }
        // The pin outlives both objects.
        Assert.IsAssignableFrom<EbpfMap>(pins.TryGet("recent_addresses"));

        var other = new PinNamespace();
        using var squatter = MapFactory.Create(new MapDefinition(MapType.Hash, 16, 8, 128), "recent_addresses");
        other.Pin("recent_addresses", squatter);
        var refusing = NewRuntime(other);
        var error = Assert.Throws<EbpfException>(() => refusing.Load(SampleObjects.Path("maps"), new ObjectLoadOptions { Unverified = true }));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("recent_addresses", error.Message);
        Assert.Contains("incompatible", error.Message);
        Assert.Empty(refusing.Extensions.Links);
    }

    [Fact]
    public void SectionNoExtensionClaimsIsRefusedByName()
    {
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier());
        var error = Assert.Throws<EbpfException>(() => runtime.Load(SampleObjects.Path("tail_calls")));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("section 'sample_ext/stage_two'", error.Message);
        Assert.Contains("no loaded extension claims", error.Message);
    }

    [Fact]
    public void VerificationFailureUndoesTheLoad()
    {
        // A verifier that refuses stage_one (after stage_two loaded): the load fails naming program and instruction.
        var verifier = new RefusingVerifier("stage_one");
        var runtime = new EbpfRuntime(verifier).Use(new SampleExtension());
        var error = Assert.Throws<EbpfException>(() => runtime.Load(SampleObjects.Path("tail_calls")));
        Assert.Equal(EbpfResult.VerificationFailed, error.Result);
        Assert.Contains("stage_one", error.Message);
        Assert.Contains("instruction 3: refused for the test", error.Message);
        Assert.Equal(["stage_two", "stage_one"], verifier.Seen);
        Assert.All(verifier.Maps, definition => Assert.NotNull(definition));
    }

    [Fact]
    public void CallsToGlobalFunctionsAreCheckedAgainstTheirPrototypeAtLoad()
    {
        // is_given only compares its argument with null, so its body alone accepts any caller; its BTF prototype takes
        // a pointer to at least one byte (or null). Passing a port number instead must be refused at load, as the kernel does.
        const string source = """
            #include "bpf_helpers.h"
            #include "ebpf_nethooks.h"
            __noinline int is_given(const uint8_t* bytes) { return bytes != 0; }
            SEC("cgroup/connect4")
            int pass_number(bpf_sock_addr_t* ctx) { return is_given((const uint8_t*)(long)ctx->user_port) & 1; }
            SEC("cgroup/connect6")
            int pass_buffer(bpf_sock_addr_t* ctx) { uint8_t b[4] = {1, 2, 3, 4}; return is_given(b) & 1; }
            """;
        string bad = ClangObjects.Compile("global_argument", source, RepoPaths.RepoPath("include"));
        var error = Assert.Throws<EbpfException>(() => NewRuntime().Load(bad).Dispose());
        Assert.Equal(EbpfResult.VerificationFailed, error.Result);
        Assert.Contains("pass_number", error.Message);
        Assert.Contains("r1.type", error.Message);

        string good = ClangObjects.Compile("global_argument_ok", source.Replace("(const uint8_t*)(long)ctx->user_port", "b", StringComparison.Ordinal)
            .Replace("int pass_number(bpf_sock_addr_t* ctx) {", "int pass_number(bpf_sock_addr_t* ctx) { uint8_t b[2] = {0, 0};", StringComparison.Ordinal),
            RepoPaths.RepoPath("include"));
        using var loaded = NewRuntime().Load(good);
        Assert.Equal(2, loaded.ProgramList.Count);
    }

    [Fact]
    public void DisposingUnloadsProgramsAndReleasesMaps()
    {
        var runtime = NewRuntime();
        var loaded = runtime.Load(SampleObjects.Path("tail_calls"));
        var entry = loaded.Program("entry");
        var hops = loaded.Map("hops");
        Assert.True(entry.IsBound);
        Assert.Same(entry, runtime.ResolveProgram(entry.Id));
        loaded.Dispose();
        Assert.False(entry.IsBound);
        Assert.True(hops.IsDisposed);
        Assert.Null(runtime.ResolveProgram(entry.Id));
        Assert.Throws<ObjectDisposedException>(() => loaded.Program("entry"));
    }

    private sealed class RefusingVerifier(string refused) : IProgramVerifier
    {
        public List<string> Seen { get; } = [];
        public List<MapDefinition> Maps { get; } = [];

        public ProgramVerificationFailure? Verify(string programName, System.Collections.Immutable.ImmutableArray<Isa.Instruction> instructions,
            ProgramInformation information, IReadOnlyList<MapDefinition> maps,
            IReadOnlyDictionary<int, System.Collections.Immutable.ImmutableArray<FunctionArgument>>? globalFunctions = null)
        {
            Seen.Add(programName);
            Maps.AddRange(maps);
            return programName == refused ? new ProgramVerificationFailure(3, "refused for the test") : null;
        }
    }

    private sealed class NoContextProvider : IProgramInformationProvider
    {
        public static readonly ProgramTypeDescriptor Type =
            new("no_context", new ContextDescriptor(8, -1, -1, -1), new Guid("0b9e5d8c-3f41-4a6e-9d2b-7c1e0f5a4b31"), 9002);

        public string Name => "no-context";
        public ProgramInformation Information { get; } = new(Type);
        public Interpretation.HelperFunction? FindImplementation(uint helperId) => null;
        public IProgramContextFactory? ContextFactory => null;
    }
}
