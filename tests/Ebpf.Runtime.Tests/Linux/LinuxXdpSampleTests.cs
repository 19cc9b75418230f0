using Ebpf.Elf;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// Unmodified Linux XDP objects of the sample corpus run on the JIT give the interpreter's action and output packet
/// for the same inputs (bench/compare.sh compares against the kernel, which tests must not need).
/// </summary>
public class LinuxXdpSampleTests(ITestOutputHelper output)
{
    [Fact]
    public void OpenVerifiesAndRefusesAnUnsafeProgramNamingIt()
    {
        string path = ClangObjects.Compile("unchecked_packet", ClangObjects.UncheckedPacketRead);
        var e = Assert.Throws<EbpfException>(() => LinuxXdp.Runtime().LoadXdp(path).Dispose());
        output.WriteLine(e.Message);
        Assert.Equal(EbpfResult.VerificationFailed, e.Result);
        Assert.Contains("unchecked_read (section xdp) failed verification", e.Message);
        Assert.Contains("packet", e.Message);
        // Asked for explicitly, the unverified checked run stops the stray read instead of faulting.
        var runtime = LinuxXdp.Runtime(verify: false);
        using var unverified = runtime.LoadXdp(path, ExecutionEngine.Interpreter, verify: false);
        Assert.ThrowsAny<ProgramExecutionException>(() => runtime.Run(unverified, "unchecked_read", new byte[64]));
    }

    [Fact]
    public void JitMatchesInterpreterOnSampleXdpPrograms()
    {
        int compared = 0;
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = TestSupport.RepoPaths.SharedPath("ebpf-samples", file);
            (EbpfRuntime Runtime, LoadedObject Object) jitRun, interpreterRun;
            try
            {
                jitRun = LinuxXdp.OpenSample(path, ExecutionEngine.Jit, line => output.WriteLine($"{file}: {line}"));
                interpreterRun = LinuxXdp.OpenSample(path, ExecutionEngine.Interpreter, _ => { });
            }
            catch (Exception e) when (e is ProgramLoadException or EbpfException or BpfObjectException or EbpfMapException)
            {
                output.WriteLine($"{file}: not runnable here: {e.Message}");
                continue;
            }
            var (jitRuntime, jit) = jitRun;
            var (interpreterRuntime, interpreter) = interpreterRun;
            using (jit)
            using (interpreter)
            {
                foreach (var program in jit.ProgramList)
                {
                    foreach (var (name, packet) in LinuxXdpSamples.Packets())
                    {
                        var expected = interpreterRuntime.Run(interpreter, program.Name, packet);
                        var actual = jitRuntime.Run(jit, program.Name, packet);
                        Assert.True(expected.Action == actual.Action && expected.Packet.AsSpan().SequenceEqual(actual.Packet),
                            $"{file} {program.Name} on {name}: interpreter {expected.Action} ({expected.Packet.Length} bytes), JIT {actual.Action} ({actual.Packet.Length} bytes)");
                        compared++;
                    }
                    output.WriteLine($"{file} {program.Name}: {LinuxXdpSamples.Packets().Count()} packets agree (last action {jitRuntime.Run(jit, program.Name, LinuxXdpSamples.Packets().Last().Packet).Action})");
                }
            }
        }
        output.WriteLine($"{compared} runs compared");
        Assert.True(compared >= 40, $"only {compared} runs could be compared; the sample objects no longer load");
    }
}
