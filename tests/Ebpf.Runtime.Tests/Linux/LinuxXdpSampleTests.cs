using Ebpf.Elf;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
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
        var e = Assert.Throws<LinuxProgramException>(() => LinuxXdpObject.Open(path).Dispose());
        output.WriteLine(e.Message);
        Assert.Contains("xdp/unchecked_read refused by the verifier", e.Message);
        Assert.Contains("packet", e.Message);
        // Asked for explicitly, the unverified checked run stops the stray read instead of faulting.
        using var unverified = LinuxXdpObject.Open(path, ExecutionEngine.Interpreter, ExecutionMode.Checked, verify: false);
        Assert.ThrowsAny<ProgramExecutionException>(() => unverified.Run("unchecked_read", new byte[64]));
    }

    [Fact]
    public void JitMatchesInterpreterOnSampleXdpPrograms()
    {
        int compared = 0;
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = TestSupport.RepoPaths.SharedPath("ebpf-samples", file);
            LinuxXdpObject jit, interpreter;
            try
            {
                jit = LinuxSampleLoader.Open(path, ExecutionEngine.Jit, line => output.WriteLine($"{file}: {line}"));
                interpreter = LinuxSampleLoader.Open(path, ExecutionEngine.Interpreter, _ => { });
            }
            catch (Exception e) when (e is ProgramLoadException or LinuxProgramException or BpfObjectException or Runtime.Maps.EbpfMapException)
            {
                output.WriteLine($"{file}: not runnable here: {e.Message}");
                continue;
            }
            using (jit)
            using (interpreter)
            {
                foreach (var program in jit.Programs)
                {
                    foreach (var (name, packet) in LinuxXdpSamples.Packets())
                    {
                        var expected = interpreter.Run(program.Name, packet);
                        var actual = jit.Run(program.Name, packet);
                        Assert.True(expected.Action == actual.Action && expected.Packet.AsSpan().SequenceEqual(actual.Packet),
                            $"{file} {program.Name} on {name}: interpreter {expected.Action} ({expected.Packet.Length} bytes), JIT {actual.Action} ({actual.Packet.Length} bytes)");
                        compared++;
                    }
                    output.WriteLine($"{file} {program.Name}: {LinuxXdpSamples.Packets().Count()} packets agree (last action {jit.Run(program.Name, LinuxXdpSamples.Packets().Last().Packet).Action})");
                }
            }
        }
        output.WriteLine($"{compared} runs compared");
        Assert.True(compared >= 40, $"only {compared} runs could be compared; the sample objects no longer load");
    }
}
