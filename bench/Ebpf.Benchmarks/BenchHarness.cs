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
    /// Verified as every load is (the fixpoint, then path exploration where it is too coarse); a refusal is an error
    /// of the benchmark, not a reason to time an unverified run.
    /// </summary>
    private static LinuxXdpObject Open(string path, ExecutionEngine engine, ExecutionMode mode) =>
        LinuxXdpObject.Open(path, engine, mode);

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
