using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The same unmodified Linux XDP objects give the same action and output packet here (JIT) as in the host kernel
/// (BPF_PROG_TEST_RUN) for the same inputs. Where the kernel cannot serve (not Linux, not root, bpf(2) refused) the
/// tests say so and compare nothing; a program the host lacks a capability for is named, with the kernel's reason, and left out.
/// </summary>
public class LinuxXdpKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void SampleXdpProgramsBehaveAsInTheKernel()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            HostKernelReport.Note(output.WriteLine, $"host kernel unavailable ({reason}): its comparisons were skipped");
            return;
        }
        int compared = 0, programs = 0, hostLacks = 0;
        var mismatches = new List<string>();
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = RepoPaths.SharedPath("ebpf-samples", file);
            EbpfRuntime runtime;
            LoadedObject ours;
            try
            {
                (runtime, ours) = LinuxXdp.OpenSample(path, ExecutionEngine.Jit, line => output.WriteLine($"{file}: {line}"));
            }
            catch (Exception e) when (e is ProgramLoadException or EbpfException or BpfObjectException or EbpfMapException)
            {
                output.WriteLine($"{file}: not runnable here: {e.Message}");
                continue;
            }
            using (ours)
            using (var kernel = KernelObject.Load(path))
            {
                foreach (var (name, why) in kernel.Skipped) output.WriteLine($"{file} {name}: not loaded in the kernel: {why}");
                foreach (var (name, refusal) in kernel.Refused)
                {
                    // A sample is not ours: another kernel's verifier may refuse one this one takes; the minimum below still holds.
                    if (refusal.HostLacksCapability) hostLacks++;
                    HostKernelReport.Note(output.WriteLine, $"not compared: {refusal.Summary}");
                }
                foreach (var program in kernel.Programs.Where(p => kernel.TypeOf(p) == KernelProgramType.Xdp))
                {
                    programs++;
                    foreach (var (packetName, packet) in LinuxXdpSamples.Packets())
                    {
                        var expected = kernel.Run(program, packet);
                        var actual = runtime.Run(ours, program, packet);
                        compared++;
                        if (expected.ReturnValue != actual.Action || !expected.Packet.AsSpan().SequenceEqual(actual.Packet))
                            mismatches.Add($"{file} {program} on {packetName}: kernel {expected.ReturnValue} ({expected.Packet.Length} bytes), " +
                                $"here {actual.Action} ({actual.Packet.Length} bytes)");
                    }
                }
            }
        }
        output.WriteLine($"{programs} XDP programs, {compared} runs compared with the kernel, {mismatches.Count} differ, {hostLacks} not loadable on this host");
        Assert.Empty(mismatches);
        // Programs this host lacks a capability for count towards the minimum: another host compares them.
        Assert.True(programs + hostLacks >= 8, $"only {programs} sample XDP programs could be compared with the kernel");
    }

    [Fact]
    public void KernelRefusalNamesTheObjectAndTheReason()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            HostKernelReport.Note(output.WriteLine, $"host kernel unavailable ({reason}): its comparisons were skipped");
            return;
        }
        // An XDP program reading the packet without a bounds check: the kernel's verifier refuses it, and says why;
        // that is the program's fault, not the host's.
        string path = ClangObjects.Compile("unchecked_packet", ClangObjects.UncheckedPacketRead);
        using var kernel = KernelObject.Load(path);
        var e = Assert.Throws<KernelBpfException>(() => kernel.Run("unchecked_read", new byte[64]));
        output.WriteLine(e.Message);
        Assert.Same(e, kernel.Refused["unchecked_read"]);
        Assert.Contains("xdp/unchecked_read", e.Message);
        Assert.Equal(13, e.Errno); // EACCES: refused by the verifier
        Assert.Equal(KernelRefusalKind.ProgramRefused, e.Kind);
        Assert.Contains("invalid access to packet", e.Reason);
        Assert.DoesNotContain('\n', e.Summary);
        // A test that compares with the kernel fails on such a refusal rather than leaving the program out.
        Assert.Same(e, Assert.Throws<KernelBpfException>(() => KernelReference.Has(kernel, "unchecked_read", output.WriteLine)));
    }
}
