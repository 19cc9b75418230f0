using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// <c>.values</c> initializers of a map of maps and a program array (libbpf's BTF-defined slots) fill the same slots
/// here and in the host kernel's reference loader: the program reaches the inner map and the tail-call target in both.
/// </summary>
public class LinuxInitialSlotsTests(ITestOutputHelper output)
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        struct inner { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } first SEC(".maps"), second SEC(".maps");
        struct {
            __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
            __uint(max_entries, 2);
            __type(key, __u32);
            __array(values, struct inner);
        } outer SEC(".maps") = { .values = { [1] = &second } };
        int target(struct xdp_md *ctx);
        struct {
            __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
            __uint(max_entries, 2);
            __type(key, __u32);
            __array(values, int (void *));
        } jumps SEC(".maps") = { .values = { [1] = (void *)&target } };
        SEC("xdp") int target(struct xdp_md *ctx) { return XDP_TX; }
        SEC("xdp") int entry(struct xdp_md *ctx)
        {
            __u32 empty = 0, filled = 1, key = 2;
            if (bpf_map_lookup_elem(&outer, &empty)) return 10;
            void *inner = bpf_map_lookup_elem(&outer, &filled);
            if (!inner) return 11;
            __u32 *value = bpf_map_lookup_elem(inner, &key);
            if (!value) return 12;
            bpf_tail_call(ctx, &jumps, 1);
            return 13;
        }
        char _license[] SEC("license") = "GPL";
        """;

    [Fact]
    public void SlotsNamedInTheObjectAreFilledHereAndInTheKernel()
    {
        string path = ClangObjects.Compile("initial_slots", Source);
        var runtime = LinuxXdp.Runtime();
        using var ours = runtime.LoadXdp(path);
        var (action, _) = runtime.Run(ours, "entry", new byte[64]);
        Assert.Equal(3u, action); // XDP_TX from the tail-call target, after the inner map was found

        using var kernel = KernelReference.Load(path, output.WriteLine);
        if (kernel is null || !KernelReference.Has(kernel, "entry", output.WriteLine)) return; // checked against the definition only
        Assert.Equal(action, kernel.Run("entry", new byte[64]).ReturnValue);
        output.WriteLine("kernel and here agree: the inner map and the tail-call target were reached");
    }
}
