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
    public void JitMatchesInterpreterOnSampleXdpPrograms()
    {
        int compared = 0;
        foreach (var file in LinuxXdpSamples.Objects)
        {
            string path = TestSupport.RepoPaths.SharedPath("ebpf-samples", file);
            LinuxXdpObject jit, interpreter;
            try
            {
                jit = LinuxXdpObject.Open(path, ExecutionEngine.Jit);
                interpreter = LinuxXdpObject.Open(path, ExecutionEngine.Interpreter);
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
