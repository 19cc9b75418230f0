using Ebpf.Extensions.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
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
        // Verified as every load is (the fixpoint, then path exploration where it is too coarse): a refusal is an
        // error of the benchmark, not a reason to time an unverified run.
        Object = LinuxObjects.OpenVerified(BenchPaths.Object(benchCase.Object), engine, mode);
        Program = Object.Loaded.Program(benchCase.Program);
        if (Object.Loaded.Source.FindMap("table") is not null)
        {
            var table = Object.Loaded.Map("table");
            for (uint k = 0; k < TableEntries; k++) table.Update(BitConverter.GetBytes(k), BitConverter.GetBytes(3UL * k + 1));
        }
        if (Object.Loaded.Source.FindMap("chain") is not null)
        {
            // The ELF reader does not decode the declarative `.values` of a PROG_ARRAY yet; fill it as libbpf does.
            var chain = (ProgramArrayMap)Object.Loaded.Map("chain");
            for (uint k = 1; k < chain.MaxEntries; k++) chain.SetProgram(k, Object.Loaded.Program($"hop{k}"));
        }
        Context = LinuxXdpContext.Create(File.ReadAllBytes(BenchPaths.Packet(benchCase.Packet)));
        _regions = mode == ExecutionMode.Checked ? Context.Regions() : [];
    }

    private readonly MemoryRegion[] _regions;

    public BenchCase Case { get; }
    public LinuxObjects Object { get; }
    public EbpfProgram Program { get; }
    public ProgramContext Context { get; }

    public unsafe ulong RunOnce() => Program.Invoke(Context.Context, _regions).ReturnValue;

    /// <summary>The test run's repeat loop (what <c>ebpf test-run --repeat</c> and BPF_PROG_TEST_RUN time).</summary>
    public unsafe ulong RunRepeated(long count) => Program.InvokeRepeated(Context.Context, _regions, checked((int)count)).ReturnValue;

    public void Dispose()
    {
        Context.Dispose();
        Object.Dispose();
    }
}
