using Ebpf.Elf;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Issue 20's crashes, as a fuzzer found them by flipping bytes of corpus XDP objects: a per-CPU value size at
/// 2^31 (an access violation on the first lookup) and an array turned into a program array and looked up (a null
/// reference in the lookup helper). Both must be load errors now, and the helpers must not trip on a slip.
/// </summary>
public class HostileMapTests
{
    private static string Corpus(string path) => RepoPaths.SharedPath("ebpf-samples", path);
    private static readonly byte[] Packet = LinuxXdpSamples.Packets().First().Packet;

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void PerCpuValueSizeAtTwoToThe31IsALoadErrorNamingMapAndField(ExecutionEngine engine)
    {
        var bytes = ObjectPatching.PatchLegacyMapField(File.ReadAllBytes(Corpus("linux/xdp1_kern.o")), "rxcnt",
            ObjectPatching.ValueSize, 2_147_483_656);
        string path = ObjectPatching.WriteTemporary("xdp1_big_value.o", bytes);
        var error = Assert.Throws<EbpfException>(() => LinuxXdp.Runtime().LoadXdp(path, engine).Dispose());
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("map 'rxcnt'", error.Message);
        Assert.Contains("value_size: 2147483656", error.Message);
        Assert.Contains("PERCPU_ARRAY", error.Message);
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void LookupOnAProgramArrayIsRefusedByTheVerifier(ExecutionEngine engine)
    {
        string path = ProgramArrayInsteadOfArray();
        var error = Assert.Throws<EbpfException>(() => LinuxXdp.Runtime().LoadXdp(path, engine).Dispose());
        Assert.Equal(EbpfResult.VerificationFailed, error.Result);
        // Refused by the program-array typing (PREVAIL's message) or, failing that, by the map-type compatibility table.
        Assert.Matches("r1.type == map_fd|cannot pass map_type 3 \\(PROG_ARRAY\\) into func map_lookup_elem#1", error.Message);
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void AnUnverifiedLookupOnAProgramArrayFindsNothingInsteadOfReadingTheTokenAsAMap(ExecutionEngine engine)
    {
        var runtime = LinuxXdp.Runtime(verify: false);
        using var obj = runtime.LoadXdp(ProgramArrayInsteadOfArray(), engine, verify: false);
        // The program looks tx_port up, finds nothing and drops the packet (XDP_DROP), as it does when the port is unset.
        Assert.Equal(1u, runtime.Run(obj, "xdp_redirect", Packet).Action);
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void ACheckedRunWithAWildMapHandleFaultsCleanly(ExecutionEngine engine)
    {
        // Unverified, so checked: the lookup gets a number no map has as its handle; it must be refused, not dereferenced.
        string path = ClangObjects.Compile("wild_map_handle", """
            struct xdp_md { unsigned int data, data_end; };
            static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
            __attribute__((section("xdp"), used)) int wild(struct xdp_md *ctx)
            {
                int key = 0;
                return bpf_map_lookup_elem((void *)(long)0x1234560, &key) != 0;
            }
            char _license[] __attribute__((section("license"), used)) = "GPL";
            """);
        var runtime = LinuxXdp.Runtime(verify: false);
        using var obj = runtime.LoadXdp(path, engine, verify: false);
        var error = Assert.Throws<HelperArgumentException>(() => runtime.Run(obj, "wild", Packet));
        Assert.Contains("not the handle of a live map", error.Message);
    }

    [Theory]
    [InlineData("map_lookup_elem", 1, 22, 0, "cannot pass map_type 22 (QUEUE) into func map_lookup_elem#1")]
    [InlineData("map_update_elem", 2, 14, 4, "cannot pass map_type 14 (DEVMAP) into func map_update_elem#2")]
    [InlineData("redirect_map", 51, 2, 4, "cannot pass map_type 2 (ARRAY) into func redirect_map#51")]
    public void TheRuntimePathAppliesLinuxsHelperMapTypeRules(string helper, int id, int mapType, int keySize, string expected)
    {
        // A DEVMAP runs here as an array (a stand-in), so the pair must be checked in Linux's numbering, not the runtime's.
        string call = helper switch
        {
            "redirect_map" => "return f(&m, 0, 0);",
            "map_update_elem" => "int k = 0, v = 1; return f(&m, &k, &v, 0) == 0;",
            _ => "int k = 0; return f(&m, &k) != 0;",
        };
        string signature = helper switch
        {
            "redirect_map" => "long (*f)(void *, unsigned int, unsigned long long)",
            "map_update_elem" => "long (*f)(void *, const void *, const void *, unsigned long long)",
            _ => "void *(*f)(void *, const void *)",
        };
        string path = ClangObjects.Compile($"linux_{helper}_on_type_{mapType}", $$"""
            struct xdp_md { unsigned int data, data_end; };
            struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
            struct bpf_map_def m __attribute__((section("maps"), used)) = { {{mapType}}, {{keySize}}, 4, 4, 0 };
            static {{signature}} = (void *) {{id}};
            __attribute__((section("xdp"), used)) int prog(struct xdp_md *ctx) { {{call}} }
            char _license[] __attribute__((section("license"), used)) = "GPL";
            """);
        var error = Assert.Throws<EbpfException>(() => LinuxXdp.Runtime().LoadXdp(path).Dispose());
        Assert.Equal(EbpfResult.VerificationFailed, error.Result);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TheRuntimePathAcceptsRedirectMapOnADeviceMap()
    {
        // The positive side of the stand-in: bpf_redirect_map takes a DEVMAP, although the map runs as an array.
        using var obj = LinuxXdp.Runtime().LoadXdp(Corpus("linux/xdp_redirect_map_kern.o"));
        Assert.Contains(obj.Maps.Keys, name => name == "tx_port");
    }

    [Fact]
    public void TheFuzzHarnessSeesBothAsLoadRefusals()
    {
        using var exercise = new Ebpf.Fuzz.ObjectExercise();
        var bigValue = exercise.Run(ObjectPatching.PatchLegacyMapField(File.ReadAllBytes(Corpus("linux/xdp1_kern.o")), "rxcnt",
            ObjectPatching.ValueSize, 2_147_483_656));
        var programArray = exercise.Run(File.ReadAllBytes(ProgramArrayInsteadOfArray()));
        Assert.Equal(("linux", false), (bigValue.Abi, bigValue.Loaded));
        Assert.Contains("value_size", bigValue.Refusal);
        Assert.Equal(("linux", false), (programArray.Abi, programArray.Loaded));
        Assert.Contains("failed verification", programArray.Refusal);
    }

    /// <summary>xdp_redirect_kern.o with its tx_port array (key 4, value 4) retyped as a PROG_ARRAY: one byte.</summary>
    private static string ProgramArrayInsteadOfArray() => ObjectPatching.WriteTemporary("redirect_prog_array.o",
        ObjectPatching.PatchLegacyMapField(File.ReadAllBytes(Corpus("linux/xdp_redirect_kern.o")), "tx_port", ObjectPatching.Type, 3));
}
