using Ebpf.Kernel;
using Ebpf.Runtime.Maps;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Maps programs may only read, declared as users declare them (<c>const volatile</c> globals in <c>.rodata</c>, a
/// map with BPF_F_RDONLY_PROG): a program that reads them loads and runs; one that writes into them, or changes them
/// with a helper, is refused at load. Each verdict is compared with the host kernel's where it is available.
/// </summary>
public class ReadOnlyMapLoadTests(ITestOutputHelper output)
{
    private const string Prelude = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>

        const volatile __u32 limit = 7;
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64);
                 __uint(map_flags, FLAGS); } settings SEC(".maps");
        char _license[] SEC("license") = "GPL";

        """;

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        { "read_rodata", "0", "return limit;", null },
        { "write_rodata", "0", "*(volatile __u32 *)&limit = 9; return 0;", "Cannot write to a map value programs may only read" },
        { "store_into_value", "0", "__u32 k = 0; __u64 *v = bpf_map_lookup_elem(&settings, &k); if (v) *v = 3; return 0;", null },
        { "read_rdonly_prog", "BPF_F_RDONLY_PROG", "__u32 k = 0; __u64 *v = bpf_map_lookup_elem(&settings, &k); return v ? *v : 1;", null },
        { "store_rdonly_prog", "BPF_F_RDONLY_PROG", "__u32 k = 0; __u64 *v = bpf_map_lookup_elem(&settings, &k); if (v) *v = 3; return 0;",
            "Cannot write to a map value programs may only read" },
        { "update_rdonly_prog", "BPF_F_RDONLY_PROG", "__u32 k = 0; __u64 v = 3; return bpf_map_update_elem(&settings, &k, &v, 0);",
            "write into map forbidden" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WritesIntoReadOnlyMapsAreRefusedAtLoad(string name, string flags, string body, string? refusal)
    {
        string path = ClangObjects.Compile(name, Prelude.Replace("FLAGS", flags, StringComparison.Ordinal) +
            $$"""SEC("xdp") int {{name}}(struct xdp_md *ctx) { {{body}} }""");
        var runtime = LinuxXdp.Runtime();
        if (refusal is null)
        {
            using var loaded = runtime.LoadXdp(path);
            if (name == "read_rodata") Assert.Equal(7u, runtime.Run(loaded, name, new byte[64]).Action);
        }
        else
        {
            var e = Assert.Throws<EbpfException>(() => runtime.LoadXdp(path));
            Assert.Equal(EbpfResult.VerificationFailed, e.Result);
            Assert.Contains(refusal, e.Message);
        }

        if (!KernelBpf.IsAvailable(out string why))
        {
            output.WriteLine($"host kernel unavailable ({why}): compared with the rule only");
            return;
        }
        using var kernel = KernelObject.Load(path);
        bool kernelRefuses = kernel.Refused.TryGetValue(name, out var kernelRefusal);
        output.WriteLine(kernelRefuses ? $"kernel: {kernelRefusal!.Summary}" : "kernel: loads");
        Assert.Equal(refusal is not null, kernelRefuses);
    }
}
