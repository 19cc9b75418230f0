using System.Runtime.InteropServices;
using CsCheck;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// Soundness: every random program the verifier accepts runs without a memory fault in the checked interpreter
/// (one 512-byte stack frame and a 32-byte context are the only memory granted), whichever pass proved it. The
/// default run tries 4,000 programs; EBPF_LONG_TESTS=1 tries 1,000,000.
/// </summary>
public sealed class SoundnessTests(ITestOutputHelper output)
{
    private const int ContextSize = 32;
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";

    [Fact]
    public void AcceptedProgramsRunWithoutMemoryFaults()
    {
        int accepted = 0, total = 0, byPaths = 0;
        var platform = new SimpleContextPlatform(ContextSize);
        // The path pass's budget bounds time, not soundness: a smaller one keeps a million programs affordable.
        var options = VerifierOptions.Default with { MaxExploredInstructions = 50_000 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Gen.Int.Sample(seed =>
        {
            var program = RandomProgramGenerator.Generate(seed, ContextSize);
            Interlocked.Increment(ref total);
            var result = Verifier.Verify(program, platform, options);
            // The second pass alone as well: the fixpoint proves nearly every program it could, so it needs its own run.
            var byPathsOnly = Verifier.Verify(program, platform, options with { PathsOnly = true });
            if (byPathsOnly.Passed)
            {
                Interlocked.Increment(ref byPaths);
                RunChecked(program, seed);
            }
            if (!result.Passed) return;
            Interlocked.Increment(ref accepted);
            RunChecked(program, seed);
        }, iter: Long ? 1_000_000 : 4_000, threads: 1);
        output.WriteLine($"{accepted}/{total} random programs accepted, {byPaths} by path exploration alone; all ran without memory faults " +
            $"({clock.Elapsed.TotalSeconds:F0} s)");
        Assert.True(accepted >= total / 20, $"only {accepted}/{total} programs accepted: the property says little");
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
