using Ebpf.Isa;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests;

/// <summary>
/// Sections pick the program type libbpf would load them as: PREVAIL's names and libbpf's own, with a socket filter
/// for a section nobody names.
/// </summary>
public class LinuxSectionTests
{
    [Theory]
    [InlineData("tp/sched/sched_process_exec", "tracepoint", 5u)]
    [InlineData("tracepoint/syscalls/sys_enter_open", "tracepoint", 5u)]
    [InlineData("kprobe/do_unlinkat", "kprobe", 2u)]
    [InlineData("uprobe//bin/bash:readline", "kprobe", 2u)]
    [InlineData("uretprobe.s/libc.so.6:malloc", "kprobe", 2u)]
    [InlineData("ksyscall/execve", "kprobe", 2u)]
    [InlineData("kprobe.multi/tcp_*", "kprobe", 2u)]
    [InlineData("usdt/libc.so.6:libc:setjmp", "kprobe", 2u)]
    [InlineData("raw_tp/sched_switch", "raw_tracepoint", 17u)]
    [InlineData("fentry/do_unlinkat", "tracing", 26u)]
    [InlineData("fexit/do_unlinkat", "tracing", 26u)]
    [InlineData("tp_btf/sched_switch", "tracing", 26u)]
    [InlineData("iter/task", "tracing", 26u)]
    [InlineData("lsm/file_open", "lsm", 29u)]
    [InlineData("struct_ops/tcp_init", "struct_ops", 27u)]
    [InlineData("freplace/handler", "ext", 28u)]
    [InlineData("sk_lookup", "sk_lookup", 30u)]
    [InlineData("tc", "sched_cls", 3u)]
    [InlineData("tcx/ingress", "sched_cls", 3u)]
    [InlineData("netkit/primary", "sched_cls", 3u)]
    [InlineData("cgroup_skb/ingress", "cgroup_skb", 8u)]
    [InlineData("xdp.frags", "xdp", 6u)]
    [InlineData("socket", "socket_filter", 1u)]
    [InlineData("tcp_filter", "socket_filter", 1u)] // not "tc": nobody names it, so a socket filter
    public void SectionsPickLibbpfsProgramType(string section, string name, uint bpfProgType)
    {
        var type = LinuxPlatform.ProgramTypeFor(section);
        Assert.Equal(name, type.Name);
        Assert.Equal(bpfProgType, type.BpfProgType);
    }

    /// <summary>bpf_probe_read_str of a tracepoint's dynamic field: the source is the context plus the field's offset.</summary>
    private const string ReadContextString = """
        mov %r6, %r1
        ldxw %r3, [%r6+8]
        and %r3, 0xffff
        add %r3, %r6
        mov %r1, %r10
        add %r1, -64
        mov %r2, 64
        call 45
        mov %r0, 0
        exit
        """;

    [Theory]
    [InlineData("tp/sched/sched_process_exec", true)]   // loaded with CAP_PERFMON: a pointer may go where any value may
    [InlineData("raw_tp/sched_switch", true)]
    [InlineData("kprobe/do_unlinkat", true)]
    [InlineData("socket", false)]                        // a socket filter may not leak the address
    [InlineData("cgroup_skb/ingress", false)]
    public void OnlyTracingTypesPassAPointerWhereAHelperTakesAnyValue(string section, bool accepted)
    {
        var result = Verifier.Verify(Assembler.Assemble(ReadContextString), LinuxPlatform.ForSection(section));
        Assert.Equal(accepted, result.Passed);
        if (!accepted) Assert.Contains(result.Errors, e => e.Message.Contains("r3.type == number"));
    }
}
