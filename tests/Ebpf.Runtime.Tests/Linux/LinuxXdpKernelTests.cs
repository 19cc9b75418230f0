using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The same unmodified Linux XDP objects give the same action and output packet here (JIT) as in the host kernel
/// (BPF_PROG_TEST_RUN) for the same inputs. Where the kernel cannot serve (not Linux, not root, bpf(2) refused) the
/// tests say so in their output and compare nothing: the rest of the suite does not depend on the kernel.
/// </summary>
public class LinuxXdpKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void SampleXdpProgramsBehaveAsInTheKernel()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            output.WriteLine($"kernel reference unavailable ({reason}): nothing compared");
            return;
        }
        int compared = 0, programs = 0;
        var mismatches = new List<string>();
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = RepoPaths.SharedPath("ebpf-samples", file);
            LinuxXdpObject ours;
            try
            {
                ours = LinuxSampleLoader.Open(path, ExecutionEngine.Jit, line => output.WriteLine($"{file}: {line}"));
            }
            catch (Exception e) when (e is ProgramLoadException or LinuxProgramException or BpfObjectException or Runtime.Maps.EbpfMapException)
            {
                output.WriteLine($"{file}: not runnable here: {e.Message}");
                continue;
            }
            KernelObject kernel;
            try
            {
                kernel = KernelObject.Load(path);
            }
            catch (KernelBpfException e)
            {
                // Another kernel may refuse an object this one takes; the minimum below still has to be met.
                output.WriteLine($"{file}: the kernel refused it: {e.Message.Split('\n')[0]}");
                ours.Dispose();
                continue;
            }
            using (ours)
            using (kernel)
            {
                foreach (var (name, why) in kernel.Skipped) output.WriteLine($"{file} {name}: not loaded in the kernel: {why}");
                foreach (var program in kernel.Programs.Where(p => kernel.TypeOf(p) == KernelProgramType.Xdp))
                {
                    programs++;
                    foreach (var (packetName, packet) in LinuxXdpSamples.Packets())
                    {
                        var expected = kernel.Run(program, packet);
                        var actual = ours.Run(program, packet);
                        compared++;
                        if (expected.ReturnValue != actual.Action || !expected.Packet.AsSpan().SequenceEqual(actual.Packet))
                            mismatches.Add($"{file} {program} on {packetName}: kernel {expected.ReturnValue} ({expected.Packet.Length} bytes), " +
                                $"here {actual.Action} ({actual.Packet.Length} bytes)");
                    }
                }
            }
        }
        output.WriteLine($"{programs} XDP programs, {compared} runs compared with the kernel, {mismatches.Count} differ");
        Assert.Empty(mismatches);
        Assert.True(programs >= 8, $"only {programs} sample XDP programs could be compared with the kernel");
    }

    [Fact]
    public void KernelRefusalNamesTheObjectAndTheReason()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            output.WriteLine($"kernel reference unavailable ({reason}): nothing checked");
            return;
        }
        // An XDP program reading the packet without a bounds check: the kernel's verifier refuses it, and says why.
        string path = ClangObjects.Compile("unchecked_packet", ClangObjects.UncheckedPacketRead);
        var e = Assert.Throws<KernelBpfException>(() =>
        {
            using var kernel = KernelObject.Load(path);
            kernel.Run("unchecked_read", new byte[64]);
        });
        output.WriteLine(e.Message);
        Assert.Contains("xdp/unchecked_read", e.Message);
        Assert.Equal(13, e.Errno); // EACCES: refused by the verifier
        Assert.Contains("invalid access to packet", e.Message);
    }
}
