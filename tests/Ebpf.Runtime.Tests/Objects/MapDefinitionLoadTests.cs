using Ebpf.Elf;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Objects;

/// <summary>
/// Map definitions eBPF for Windows refuses at load (issue 19's map checks, issue 20's limits): each an
/// INVALID_ARGUMENT naming the map and the field; and the map-in-map forms upstream accepts.
/// </summary>
public class MapDefinitionLoadTests
{
    private static EbpfRuntime NewRuntime() =>
        new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new SampleExtension()).Use(new NetExtension());

    /// <summary>A bind program that looks up <c>outer</c>, then the inner map it holds; <paramref name="maps"/> declares them.</summary>
    private static string Compile(string name, string maps) => ClangObjects.Compile(name, $$"""
        #include "bpf_helpers.h"
        #include "ebpf_nethooks.h"
        {{maps}}
        SEC("bind")
        bind_action_t lookup(bind_md_t* ctx)
        {
            uint32_t key = 0;
            void* inner = bpf_map_lookup_elem(&outer, &key);
            if (!inner) return BIND_PERMIT;
            uint32_t* value = bpf_map_lookup_elem(inner, &key);
            return value && *value ? BIND_DENY : BIND_PERMIT;
        }
        """, RepoPaths.RepoPath("include"));

    private const string LegacyInner = """
        SEC("maps") struct bpf_map_def first = {.type = BPF_MAP_TYPE_HASH, .key_size = 8, .value_size = 8, .max_entries = 4};
        SEC("maps") struct bpf_map_def inner_map = {.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1, .id = 10};
        """;

    private static void AssertRefused(string path, string map, string field)
    {
        var error = Assert.Throws<EbpfException>(() => NewRuntime().Load(path).Dispose());
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains($"map '{map}': {field}:", error.Message);
    }

    [Fact]
    public void AnInnerIdThatNamesNoMapIsRefused()
    {
        string path = Compile("inner_id_none", LegacyInner + """
            SEC("maps") struct bpf_map_def outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1, .inner_id = 99};
            """);
        AssertRefused(path, "outer", "inner_id");
    }

    [Fact]
    public void AnInnerIdNamesTheMapThatDeclaresItNotMapZero()
    {
        // inner_map_idx is 0 (the hash "first"); inner_id 10 takes precedence, as upstream resolves it.
        string path = Compile("inner_id_found", LegacyInner + """
            SEC("maps") struct bpf_map_def outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1, .inner_id = 10};
            """);
        var obj = BpfObject.Open(path);
        Assert.Equal("inner_map", obj.FindMap("outer")!.InnerMap!.Name);
        using var loaded = NewRuntime().Load(path);
        var outer = (MapOfMaps)loaded.Map("outer");
        Assert.Equal(MapType.Array, outer.InnerTemplate.Type);
    }

    [Fact]
    public void AnUnknownMapTypeIsRefused()
    {
        string path = Compile("unknown_type", LegacyInner + """
            SEC("maps") struct bpf_map_def outer = {.type = 100, .key_size = 4, .value_size = 4, .max_entries = 1};
            """);
        AssertRefused(path, "outer", "type");
    }

    [Fact]
    public void AnUnknownPinningValueIsRefused()
    {
        string path = Compile("unknown_pinning", LegacyInner + """
            SEC("maps") struct bpf_map_def outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1, .pinning = 7, .inner_id = 10};
            """);
        AssertRefused(path, "outer", "pinning");
    }

    [Fact]
    public void APerCpuValueSizeAtTwoToThe31IsRefused()
    {
        string path = Compile("percpu_big_value", LegacyInner + """
            SEC("maps") struct bpf_map_def big = {.type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = 4, .value_size = 2147483656u, .max_entries = 1};
            SEC("maps") struct bpf_map_def outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1, .inner_id = 10};
            """);
        AssertRefused(path, "big", "value_size");
    }

    [Fact]
    public void StorageAboveTheConfiguredCeilingIsRefused()
    {
        string path = Compile("ceiling", LegacyInner + """
            SEC("maps") struct bpf_map_def wide = {.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4096, .max_entries = 1024};
            SEC("maps") struct bpf_map_def outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4, .max_entries = 1, .inner_id = 10};
            """);
        using (NewRuntime().Load(path)) { } // 4 MiB: within the default ceiling
        var error = Assert.Throws<EbpfException>(() => NewRuntime().Load(path,
            new ObjectLoadOptions { MapLimits = new MapLimits { MemoryCeiling = 1 << 20 } }).Dispose());
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("map 'wide': max_entries:", error.Message);
        Assert.Contains("ceiling", error.Message);
    }

    [Fact]
    public void AnOuterMapWithValuesOnItsInnerTemplateOpensAndLoads()
    {
        // The template declared inline is a program array with its own `values` (as a template, it holds none).
        string path = Compile("template_values", """
            struct inner_map {
                __uint(type, BPF_MAP_TYPE_ARRAY);
                __type(key, uint32_t);
                __type(value, uint32_t);
                __uint(max_entries, 1);
            } inner_map SEC(".maps");
            struct {
                __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
                __type(key, uint32_t);
                __uint(max_entries, 4);
                __array(values, struct inner_map);
            } outer SEC(".maps") = {.values = {&inner_map}};
            bind_action_t target(bind_md_t* ctx) { return BIND_PERMIT; }
            struct {
                __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
                __type(key, uint32_t);
                __uint(max_entries, 1);
                __array(values, struct {
                    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
                    __type(key, uint32_t);
                    __uint(max_entries, 2);
                    __array(values, bind_action_t(bind_md_t* ctx));
                });
            } programs_of_programs SEC(".maps");
            """);
        using var loaded = NewRuntime().Load(path);
        Assert.Equal(MapType.ProgArray, ((MapOfMaps)loaded.Map("programs_of_programs")).InnerTemplate.Type);
        Assert.Equal(MapType.Array, ((MapOfMaps)loaded.Map("outer")).InnerTemplate.Type);
    }
}
