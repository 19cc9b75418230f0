using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Linux;
using Ebpf.Runtime.Programs;

namespace Ebpf.Benchmarks;

/// <summary>
/// A case opened and ready to run: the object on one engine, maps filled as compare.sh fills the kernel's
/// (hash map "table": key k -> 3k + 1 for k = 0..255; PROG_ARRAY "chain": slot k -> hop{k}), and a context holding the input packet.
/// </summary>
public sealed class BenchHarness : IDisposable
{
    public const int TableEntries = 256;

    public BenchHarness(BenchCase benchCase, ExecutionEngine engine, ExecutionMode mode = ExecutionMode.Unchecked)
    {
        Case = benchCase;
        Object = Open(BenchPaths.Object(benchCase.Object), engine, mode);
        Program = Object.Program(benchCase.Program);
        if (Object.Object.FindMap("table") is not null)
        {
            var table = Object.Map("table");
            for (uint k = 0; k < TableEntries; k++) table.Update(BitConverter.GetBytes(k), BitConverter.GetBytes(3UL * k + 1));
        }
        if (Object.Object.FindMap("chain") is not null)
        {
            // The ELF reader does not decode the declarative `.values` of a PROG_ARRAY yet; fill it as libbpf does.
            var chain = Object.ProgramArray("chain");
            for (int k = 1; k < chain.Capacity; k++) chain[k] = Object.Program($"hop{k}");
        }
        Context = LinuxXdpContext.Create(File.ReadAllBytes(BenchPaths.Packet(benchCase.Packet)));
    }

    /// <summary>
    /// Verified as the kernel loads them (its limit: 1M instructions). Where our verifier cannot bound a loop the
    /// kernel can (prime's nested loops), the case runs unverified, as compiled: the kernel verified the same object
    /// in compare.sh, and timing a checked run would not compare like with like. Stderr says so.
    /// </summary>
    private static LinuxXdpObject Open(string path, ExecutionEngine engine, ExecutionMode mode)
    {
        try
        {
            return LinuxXdpObject.Open(path, engine, mode, verifierOptions: Verifier.VerifierOptions.Default with { MaxLoopIterations = 1_000_000 });
        }
        catch (LinuxProgramException e) when (e.Message.Contains("refused by the verifier", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"note: {e.Message.Split('\n')[0]}; running it unverified");
            return LinuxXdpObject.Open(path, engine, mode, verify: false);
        }
    }

    public BenchCase Case { get; }
    public LinuxXdpObject Object { get; }
    public LinuxXdpProgram Program { get; }
    public ProgramContext Context { get; }

    public ulong RunOnce() => Object.Run(Program, Context);

    /// <summary>The test run's repeat loop (what <c>ebpf test-run --repeat</c> and BPF_PROG_TEST_RUN time).</summary>
    public ulong RunRepeated(long count) => Object.RunRepeated(Program, Context, count);

    public void Dispose()
    {
        Context.Dispose();
        Object.Dispose();
    }
}
