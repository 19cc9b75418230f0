using Ebpf.Kernel;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The host kernel's refusals are told apart (the host lacks something vs. the program is refused), and a host that
/// lacks a helper or bpf(2) altogether is emulated so those paths run on every host.
/// </summary>
public class KernelRefusalTests(ITestOutputHelper output)
{
    private const string Statistics = "processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

    public static TheoryData<BpfCommand, int, string?, KernelRefusalKind, string> Refusals => new()
    {
        { BpfCommand.ProgramLoad, 22, "3: (85) call bpf_xdp_adjust_meta#54\nprogram of this type cannot use helper bpf_xdp_adjust_meta#54\n" + Statistics,
            KernelRefusalKind.HostLacksCapability, "program of this type cannot use helper bpf_xdp_adjust_meta#54" },
        { BpfCommand.ProgramLoad, 22, "0: (85) call unknown#250\ninvalid func unknown#250\n", KernelRefusalKind.HostLacksCapability, "invalid func unknown#250" },
        { BpfCommand.ProgramLoad, 22, "0: (d7) r1 = bswap16 r1\nunknown opcode d7\n", KernelRefusalKind.HostLacksCapability, "unknown opcode d7" },
        { BpfCommand.ProgramLoad, 22, null, KernelRefusalKind.HostLacksCapability, "program type" },
        { BpfCommand.ProgramLoad, 1, null, KernelRefusalKind.HostLacksCapability, "EPERM" },
        { BpfCommand.MapCreate, 1, null, KernelRefusalKind.HostLacksCapability, "EPERM" },
        { BpfCommand.MapCreate, 22, null, KernelRefusalKind.HostLacksCapability, "map type" },
        { BpfCommand.ProgramTestRun, 524, null, KernelRefusalKind.HostLacksCapability, "not supported" },
        { BpfCommand.ProgramLoad, 38, null, KernelRefusalKind.HostLacksCapability, "no bpf(2)" },
        { BpfCommand.ProgramLoad, 13, "5: (61) r0 = *(u32 *)(r2 +0)\ninvalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)\n" + Statistics,
            KernelRefusalKind.ProgramRefused, "invalid access to packet" },
        { BpfCommand.ProgramLoad, 22, "0: (85) call bpf_trace_printk#6\ncannot call GPL-restricted function from non-GPL compatible program\n",
            KernelRefusalKind.ProgramRefused, "GPL-restricted" },
        { BpfCommand.ProgramTestRun, 22, null, KernelRefusalKind.ProgramRefused, "errno 22" },
        { BpfCommand.ProgramLoad, 7, null, KernelRefusalKind.ProgramRefused, "too complex" },
        { BpfCommand.ProgramLoad, 7, "BPF program is too large. Processed 1000001 insn\n" + Statistics, KernelRefusalKind.ProgramRefused, "too large" },
        { BpfCommand.MapCreate, 7, null, KernelRefusalKind.HostLacksCapability, "E2BIG" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void RefusalsAreClassifiedFromTheErrorAndTheVerifierLog(BpfCommand command, int errno, string? log, KernelRefusalKind kind, string reason)
    {
        var (actualKind, actualReason) = KernelRefusals.Classify(command, errno, log);
        Assert.Equal(kind, actualKind);
        Assert.Contains(reason, actualReason);
        Assert.DoesNotContain('\n', actualReason);
    }

    [Fact]
    public void AHelperTheHostWithholdsRefusesOnlyTheProgramsThatCallIt()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            output.WriteLine($"host kernel unavailable ({reason}): nothing to emulate on");
            return;
        }
        using (KernelHostEmulation.Refuse("xdp:44")) // bpf_xdp_adjust_head, which every kernel with XDP offers
        using (var kernel = KernelObject.Load(LinuxXdpHelperTests.Object.Value))
        {
            var refusal = kernel.Refused["push_all_headroom"];
            output.WriteLine(refusal.Summary);
            Assert.Equal(KernelRefusalKind.HostLacksCapability, refusal.Kind);
            Assert.Contains("program of this type cannot use helper #44", refusal.Reason);
            Assert.Contains("xdp/push_all_headroom", refusal.Summary);
            Assert.Contains("emulated xdp:44", refusal.Summary);
            Assert.Same(refusal, Assert.Throws<KernelBpfException>(() => kernel.Run("push_all_headroom", new byte[64])));
            // The programs that do not call it load and run.
            Assert.Contains("redirect_device", kernel.Programs);
            Assert.Equal(4u, kernel.Run("redirect_device", new byte[64]).ReturnValue); // XDP_REDIRECT
        }
        // The scope ends with the using: the same program loads again.
        using var unrestricted = KernelObject.Load(LinuxXdpHelperTests.Object.Value);
        Assert.DoesNotContain("push_all_headroom", unrestricted.Refused.Keys);
    }

    [Fact]
    public void ARefusedBpfMakesTheKernelUnavailableAndEveryProgramHostLimited()
    {
        using var _ = KernelHostEmulation.Refuse("bpf");
        Assert.False(KernelBpf.IsAvailable(out string reason));
        output.WriteLine(reason);
        Assert.Contains("EPERM", reason);
        Assert.Contains("emulated bpf", reason);
        using var kernel = KernelObject.Load(LinuxXdpHelperTests.Object.Value);
        Assert.Empty(kernel.Programs);
        Assert.Equal(15, kernel.Refused.Count);
        Assert.All(kernel.Refused.Values, r => Assert.Equal(KernelRefusalKind.HostLacksCapability, r.Kind));
        // Those that use the device map are refused for the map the host could not create.
        Assert.Contains("map 'ports'", kernel.Refused["redirect_empty_slot"].What);
    }

    [Fact]
    public void AnEmulationItemThatNamesNothingIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => KernelHostEmulation.Refuse("xdp:adjust_meta"));
        Assert.Contains("'xdp:adjust_meta'", e.Message);
        Assert.Contains(KernelHostEmulation.Variable, e.Message);
    }
}
