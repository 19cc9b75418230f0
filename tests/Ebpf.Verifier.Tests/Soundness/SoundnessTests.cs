using System.Runtime.InteropServices;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// Soundness: every random program the verifier accepts runs without a memory fault in the checked interpreter
/// (one 512-byte stack frame and a 32-byte context are the only memory granted), whichever pass proved it. Program i
/// of a run is generated from seed EBPF_SOUNDNESS_FIRST + i, so a long run can be cut into segments and resumed. The
/// default run tries 4,000 programs; EBPF_LONG_TESTS=1 tries EBPF_SOUNDNESS_PROGRAMS (1,000,000 by default) and
/// appends the counts so far to artifacts/fuzz/soundness-progress.log every 10,000 programs.
/// </summary>
public sealed class SoundnessTests(ITestOutputHelper output)
{
    private const int ContextSize = 32;
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    private static int Count => Long ? EnvInt("EBPF_SOUNDNESS_PROGRAMS") ?? 1_000_000 : 4_000;
    private static int First => EnvInt("EBPF_SOUNDNESS_FIRST") ?? 0;
    private static int? EnvInt(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) ? n : null;

    [Fact]
    public void AcceptedProgramsRunWithoutMemoryFaults()
    {
        int accepted = 0, byPaths = 0;
        var platform = new SimpleContextPlatform(ContextSize);
        // The path pass's budget bounds time, not soundness: a smaller one keeps a million programs affordable.
        var options = VerifierOptions.Default with { MaxExploredInstructions = 50_000 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string progress = Path.Combine(RepoPaths.RepoPath("artifacts", "fuzz"), "soundness-progress.log");
        if (Long) Directory.CreateDirectory(Path.GetDirectoryName(progress)!);
        for (int i = 0; i < Count; i++)
        {
            int seed = unchecked(First + i);
            var program = RandomProgramGenerator.Generate(seed, ContextSize);
            // The second pass alone as well: the fixpoint proves nearly every program it could, so it needs its own run.
            if (Verifier.Verify(program, platform, options with { PathsOnly = true }).Passed)
            {
                byPaths++;
                RunChecked(program, seed);
            }
            if (Verifier.Verify(program, platform, options).Passed)
            {
                accepted++;
                RunChecked(program, seed);
            }
            if (Long && (i + 1) % 10_000 == 0) File.AppendAllLines(progress, [Summary(i + 1)]);
        }
        output.WriteLine(Summary(Count) + "; all ran without memory faults");
        Assert.True(accepted >= Count / 20, $"only {accepted}/{Count} programs accepted: the property says little");

        string Summary(int done) => $"seeds {First}..{First + done - 1}: {done} random programs, {accepted} accepted, " +
            $"{byPaths} by path exploration alone, 0 faults ({clock.Elapsed.TotalSeconds:F0} s)";
    }

    private static void RunChecked(Instruction[] program, int seed)
    {
        var interpreter = new Interpreter(program, null, new InterpreterOptions
        {
            Mode = ExecutionMode.Checked,
            InstructionBudget = 10_000,
            MaxCallDepth = 1,
        });
        var context = Marshal.AllocHGlobal(ContextSize);
        try
        {
            var bytes = new byte[ContextSize];
            new Random(seed).NextBytes(bytes);
            Marshal.Copy(bytes, 0, context, ContextSize);
            var region = new MemoryRegion((ulong)context, ContextSize, MemoryAccess.ReadWrite, "context");
            ReadOnlySpan<MemoryRegion> regions = [region];
            try
            {
                interpreter.Run(new ExecutionRequest { R1 = (ulong)context, Regions = regions });
            }
            catch (MemoryAccessFaultException e)
            {
                var text = string.Join("\n", program.Select((ins, i) => $"{i}: {ins}"));
                throw new Xunit.Sdk.XunitException($"seed {seed}: accepted program faulted at {e.ProgramCounter}: {e.Message}\n{text}");
            }
        }
        finally
        {
            Marshal.FreeHGlobal(context);
        }
    }
}
