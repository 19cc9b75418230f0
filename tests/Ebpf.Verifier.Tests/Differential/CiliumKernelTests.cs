using Ebpf.Kernel;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Differential;

/// <summary>
/// Cilium programs that only the path pass proves here (corpus rows the pass once gave up on), against the host
/// kernel's verifier: both accept. Loading them needs the kernel loader to size Cilium's perf-event arrays, which
/// leave max_entries 0, as libbpf does (one entry per possible CPU). Where the kernel cannot serve, only our side is
/// checked and the test says so.
/// </summary>
public sealed class CiliumKernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cilium-core/bpf_overlay.o", "tail_nodeport_nat_egress_ipv6")]
    [InlineData("cilium-core/bpf_host.o", "tail_handle_snat_fwd_ipv6")]
    public void AcceptedHereByThePathPassAndByTheKernel(string objectPath, string program)
    {
        bool kernel = KernelBpf.IsAvailable(out string reason);
        if (!kernel) HostKernelReport.Note(output.WriteLine, $"host kernel unavailable ({reason}): only our verdict is checked");
        var verdict = Assert.Single(DifferentialVerdicts.Of(RepoPaths.SharedPath("ebpf-samples", objectPath), kernel, "cilium"),
            v => v.Program == program);
        output.WriteLine(verdict.ToString());
        Assert.True(verdict.Ours.Accepted, verdict.Ours.Detail);
        Assert.Equal(VerifierPass.PathExploration, verdict.Ours.Pass);
        if (!kernel) return;
        Assert.True(verdict.Kernel is not null, $"the kernel did not judge it: {verdict.KernelSkipped}");
        Assert.True(verdict.Kernel.Value.Accepted, verdict.Kernel.Value.Detail);
    }
}
