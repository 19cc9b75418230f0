using System.Buffers.Binary;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Tests;

/// <summary>
/// The sample extension's full program information as upstream declares it: the custom-map helpers (65541, 65542)
/// and the BTF-resolved function sample_ebpf_extension_btf_lookup, loaded, verified, called and hashed.
/// </summary>
public class SampleExtensionTests
{
    private const string BtfLookup = """
        #include "bpf_helpers.h"
        #include "sample_ext_helpers.h"
        SEC("sample_ext")
        int sample_lookup(sample_program_context_t* ctx)
        {
            uint64_t value = 0;
            return sample_ebpf_extension_btf_lookup(ctx->uint32_data, &value, sizeof(value));
        }
        SEC("bind")
        int bind_lookup(bind_md_t* ctx)
        {
            uint64_t value = 0;
            return sample_ebpf_extension_btf_lookup(ctx->process_id, &value, sizeof(value));
        }
        """;

    private const string CustomMap = """
        #include "bpf_helpers.h"
        #include "sample_ext_helpers.h"
        struct { __uint(type, BPF_MAP_TYPE_SAMPLE_HASH_MAP); __type(key, uint32_t); __type(value, uint32_t); __uint(max_entries, 1); } sample_hash_map SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, uint32_t); __type(value, uint32_t); __uint(max_entries, 1); } array_map SEC(".maps");
        SEC("sample_ext") int increment(sample_program_context_t* ctx)
        {
            uint32_t key = 0;
            uint32_t* value = sample_ext_helper_map_lookup_element(&sample_hash_map, &key);
            if (!value) return -1;
            (*value)++;
            return (int)*value;
        }
        SEC("sample_ext") int read_value(sample_program_context_t* ctx)
        {
            uint32_t key = 0, value = 0;
            if (sample_ext_helper_map_get_value(&sample_hash_map, &key, (uint8_t*)&value, sizeof(value)) != 0) return -1;
            return (int)value;
        }
        SEC("sample_ext") int on_plain_map(sample_program_context_t* ctx)
        {
            uint32_t key = 0;
            return sample_ext_helper_map_lookup_element(&array_map, &key) ? 1 : 0;
        }
        """;

    // The generic queue/stack helpers on the custom map, reached through a pointer chosen at run time.
    private const string CustomMapQueueOperations = """
        #include "bpf_helpers.h"
        #include "sample_ext_helpers.h"
        struct { __uint(type, BPF_MAP_TYPE_SAMPLE_HASH_MAP); __type(key, uint32_t); __type(value, uint32_t); __uint(max_entries, 4); } custom SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, uint32_t); __type(value, uint32_t); __uint(max_entries, 1); } choice SEC(".maps");
        static void* pick(void) { uint32_t key = 0; uint32_t* c = bpf_map_lookup_elem(&choice, &key); return c && *c ? &custom : 0; }
        SEC("sample_ext") int push(sample_program_context_t* ctx) { void* m = pick(); uint32_t v = 7; return m ? bpf_map_push_elem(m, &v, 0) : 1; }
        SEC("sample_ext") int pop(sample_program_context_t* ctx) { uint32_t v = 0; return bpf_map_pop_elem(&custom, &v); }
        SEC("sample_ext") int peek(sample_program_context_t* ctx) { uint32_t v = 0; return bpf_map_peek_elem(&custom, &v); }
        """;

    private static byte[] SampleContext(uint uint32Data)
    {
        var ctx = new byte[SampleContextLayout.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(SampleContextLayout.Uint32Data), uint32Data);
        return ctx;
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void BtfResolvedFunctionIsBoundByNameVerifiedCalledAndHashedFromAnyProgramType(ExecutionEngine engine)
    {
        var sample = new SampleExtension();
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(sample).Use(net);
        using var loaded = runtime.Load(ClangObjects.Compile("btf_lookup", BtfLookup, RepoPaths.RepoPath("include")),
            new ObjectLoadOptions { Engine = engine });

        // Called: the function returns key + value_size.
        var inSample = loaded.Program("sample_lookup");
        Assert.Equal(40u + 8, runtime.TestRun(inSample, new TestRunOptions { ContextIn = SampleContext(40) }).ReturnValue);
        var bindContext = new byte[56];
        BinaryPrimitives.WriteUInt64LittleEndian(bindContext.AsSpan(16), 1000);
        var inBind = loaded.Program("bind_lookup");
        Assert.Equal(1000u + 8, runtime.TestRun(inBind, new TestRunOptions { ContextIn = bindContext }).ReturnValue);

        // Hashed: each program's own type, no id-based helpers, and the BTF-resolved part.
        var function = SampleHelpers.BtfLookup.Function;
        Assert.Equal(ProgramInformationHash.Compute(sample.Provider.Information, [], [function]), inSample.ProgramInformationHash);
        Assert.Equal(ProgramInformationHash.Compute(net.BindProvider.Information, [], [function]), inBind.ProgramInformationHash);
        Assert.NotEqual(ProgramInformationHash.Compute(sample.Provider.Information, []), inSample.ProgramInformationHash);
        Assert.Same(function, Assert.Single(inBind.VerifiedAgainst.BtfFunctions));

        // Its provider leaving unbinds the programs that call it; they stay loaded.
        runtime.Extensions.Unload(sample);
        Assert.False(inBind.IsBound);
        Assert.Contains("sample_ebpf_extension_btf_lookup", inBind.LastBindError);

        // It returning binds them again.
        runtime.Extensions.Load(sample);
        Assert.True(inBind.IsBound, inBind.LastBindError);
        Assert.Equal(1000u + 8, runtime.TestRun(inBind, new TestRunOptions { ContextIn = bindContext }).ReturnValue);
    }

    [Fact]
    public void BtfResolvedFunctionNoExtensionExportsIsALoadErrorNamingIt()
    {
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new NetExtension());
        var path = ClangObjects.Compile("btf_lookup_missing", BtfLookup.Replace("""SEC("sample_ext")""", """SEC("bind/2")""", StringComparison.Ordinal)
            .Replace("sample_program_context_t* ctx", "bind_md_t* ctx", StringComparison.Ordinal)
            .Replace("ctx->uint32_data", "ctx->protocol", StringComparison.Ordinal), RepoPaths.RepoPath("include"));
        var e = Assert.Throws<EbpfException>(() => runtime.Load(path).Dispose());
        Assert.Equal(EbpfResult.ProgramLoadFailed, e.Result);
        Assert.Contains("sample_ebpf_extension_btf_lookup", e.Message);
    }

    [Fact]
    public void CustomMapHelpersWorkOnTheSampleMapOnly()
    {
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new SampleExtension());
        using var loaded = runtime.Load(ClangObjects.Compile("custom_map", CustomMap, RepoPaths.RepoPath("include")));
        var map = loaded.Map("sample_hash_map");
        Assert.Equal(MapType.SampleHashMap, map.Definition.Type);
        var context = new TestRunOptions { ContextIn = SampleContext(0) };

        Assert.Equal(-1, (int)runtime.TestRun(loaded.Program("increment"), context).ReturnValue);
        Assert.Equal(-1, (int)runtime.TestRun(loaded.Program("read_value"), context).ReturnValue);
        map.Update(BitConverter.GetBytes(0u), BitConverter.GetBytes(41u));
        Assert.Equal(42u, runtime.TestRun(loaded.Program("increment"), context).ReturnValue);
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(map.Lookup(BitConverter.GetBytes(0u))));
        Assert.Equal(42u, runtime.TestRun(loaded.Program("read_value"), context).ReturnValue);
        // On a map that is not the extension's custom map the helper finds nothing.
        Assert.Equal(0u, runtime.TestRun(loaded.Program("on_plain_map"), context).ReturnValue);
    }

    [Fact]
    public void QueueHelpersOnACustomMapLoadAndItsProviderRefusesThemAtRunTime()
    {
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new SampleExtension());
        using var loaded = runtime.Load(ClangObjects.Compile("custom_map_queue_ops", CustomMapQueueOperations, RepoPaths.RepoPath("include")));
        loaded.Map("choice").Update(BitConverter.GetBytes(0u), BitConverter.GetBytes(1u));
        var context = new TestRunOptions { ContextIn = SampleContext(0) };
        foreach (var name in new[] { "push", "pop", "peek" })
            Assert.Equal(-(int)EbpfResult.OperationNotSupported, (int)runtime.TestRun(loaded.Program(name), context).ReturnValue);
        Assert.Empty(loaded.Map("custom").Keys());
    }
}
