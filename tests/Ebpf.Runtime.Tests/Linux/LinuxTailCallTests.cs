using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// bpf_tail_call in Linux XDP objects, on both engines and across them: the 33-call limit and its -ENOENT, an empty
/// slot, a slot replaced between runs, and a chain whose middle program is interpreted.
/// </summary>
public class LinuxTailCallTests
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>

        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } jumps SEC(".maps");

        /* Appends n to the decimal number in the first packet byte, so the byte shows which programs ran in which order. */
        static __always_inline int mark(struct xdp_md *ctx, int n)
        {
            __u8 *data = (void *)(long)ctx->data;
            if ((void *)(data + 1) > (void *)(long)ctx->data_end) return 1;
            data[0] = data[0] * 10 + n;
            return 0;
        }

        SEC("xdp") int again(struct xdp_md *ctx)
        {
            __u8 *data = (void *)(long)ctx->data;
            if ((void *)(data + 1) > (void *)(long)ctx->data_end) return 1;
            data[0]++;
            return 100 - bpf_tail_call(ctx, &jumps, 0);
        }
        SEC("xdp") int first(struct xdp_md *ctx) { if (mark(ctx, 1)) return 0; return 100 - bpf_tail_call(ctx, &jumps, 1); }
        SEC("xdp") int second(struct xdp_md *ctx) { if (mark(ctx, 2)) return 0; return 100 - bpf_tail_call(ctx, &jumps, 2); }
        SEC("xdp") int third(struct xdp_md *ctx) { if (mark(ctx, 3)) return 0; return 3; }
        """;

    private static readonly Lazy<string> Object = new(() => ClangObjects.Compile("xdp_tail_calls", Source));

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void TheThirtyFourthTailCallFailsWithENoentAndTheLastProgramGoesOn(ExecutionEngine engine)
    {
        var runtime = LinuxXdp.Runtime();
        using var obj = runtime.LoadXdp(Object.Value, engine);
        obj.ProgramArray("jumps").SetProgram(0, obj.Program("again"));
        var result = runtime.Run(obj, "again", new byte[64]);
        Assert.Equal(102u, result.Action); // 100 - (-ENOENT)
        Assert.Equal(34, result.Packet[0]);
        // The count is per run.
        Assert.Equal(102u, runtime.Run(obj, "again", new byte[64]).Action);
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void EachRunReadsTheSlotAsItIsThen(ExecutionEngine engine)
    {
        var runtime = LinuxXdp.Runtime();
        using var obj = runtime.LoadXdp(Object.Value, engine);
        var jumps = obj.ProgramArray("jumps");
        Assert.Equal(102u, runtime.Run(obj, "second", new byte[64]).Action); // empty slot: -ENOENT
        jumps.SetProgram(2, obj.Program("third"));
        var chained = runtime.Run(obj, "second", new byte[64]);
        Assert.Equal(3u, chained.Action);
        Assert.Equal(23, chained.Packet[0]);
        jumps.SetProgram(2, obj.Program("again"));
        jumps.SetProgram(0, obj.Program("third"));
        var replaced = runtime.Run(obj, "second", new byte[64]);
        Assert.Equal(3u, replaced.Action);
        Assert.Equal(33, replaced.Packet[0]); // second marks 2, again adds 1, third marks 3
        jumps.SetProgram(2, null);
        Assert.Equal(102u, runtime.Run(obj, "second", new byte[64]).Action);
    }

    [Fact]
    public void AChainWithAnInterpretedMiddleProgramRunsEveryProgramInOrder()
    {
        var runtime = LinuxXdp.Runtime();
        using var jit = runtime.LoadXdp(Object.Value, ExecutionEngine.Jit);
        using var interpreted = runtime.LoadXdp(Object.Value, ExecutionEngine.Interpreter);
        // Each program tail-calls through its own object's array, as in the kernel.
        jit.ProgramArray("jumps").SetProgram(1, interpreted.Program("second"));
        interpreted.ProgramArray("jumps").SetProgram(2, jit.Program("third"));
        var result = runtime.Run(jit, "first", new byte[64]);
        Assert.Equal(3u, result.Action);
        Assert.Equal(123, result.Packet[0]);
    }
}
