using Ebpf.Platform;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.TestSupport;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests;

/// <summary>
/// The second pass (path exploration) takes over where the fixpoint is too coarse, refuses what is unsafe on some
/// path, and says which pass proved a program; loop counters count per entry; clang's zero-extension pair decodes
/// as one.
/// </summary>
public class PathExplorationTests
{
    private const string Header = """
        struct xdp_md { unsigned int data, data_end; };
        #define SEC(n) __attribute__((section(n), used))
        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>Eight 8-byte words after one hoisted check: the pointer's offset is 8 times the counter, beyond a zone.</summary>
    private const string HoistedWords = Header + """
        SEC("xdp") int words(struct xdp_md *ctx)
        {
            unsigned char *data = (unsigned char *)(long)ctx->data, *end = (unsigned char *)(long)ctx->data_end;
            if (data + LIMIT > end) return 2;
            unsigned long long h = 0;
        #pragma nounroll
            for (int i = 0; i < 8; i++) h = (h ^ *(unsigned long long *)(data + i * 8)) * 0x100000001b3ull;
            return h & 3;
        }
        """;

    private static VerificationResult VerifyC(string name, string source, VerifierOptions? options = null, string? include = null)
    {
        var obj = BpfObject.Open(ClangObjects.Compile(name, source, include), new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux });
        var program = obj.Programs.Single(p => p.Kind == BpfProgramKind.Entry);
        return Verifier.Verify(program.Instructions.AsSpan(), LinuxPlatform.ForSection(program.SectionName), options);
    }

    [Fact]
    public void PathsProveWhatTheFixpointCannot()
    {
        string source = "#define LIMIT 64\n" + HoistedWords;
        var fixpointOnly = VerifyC("words", source, VerifierOptions.Default with { ExplorePaths = false });
        Assert.False(fixpointOnly.Passed);
        Assert.Null(fixpointOnly.Pass);

        var result = VerifyC("words", source);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
        Assert.InRange(result.ExploredInstructions, 1, VerifierOptions.Default.MaxExploredInstructions);
    }

    [Fact]
    public void PathsRefuseAnAccessUnsafeOnOnePath()
    {
        // The check covers 63 bytes; the last word reads 64.
        var result = VerifyC("words_short", "#define LIMIT 63\n" + HoistedWords);
        Assert.False(result.Passed);
        Assert.Null(result.Pass);
        Assert.Contains("packet_size", result.Errors.First().Message);
        Assert.Contains("packet_size", result.PathExplorationFailure);
    }

    [Fact]
    public void AnEndlessLoopExhaustsTheBudget()
    {
        // r1 = 1; loop: r1 = r1 * 3 + 1 while r1 != 0 (never, in 64-bit arithmetic from 1): no bound, no repeat.
        Instruction[] program =
        [
            Insn.Mov64(1, 1),
            Insn.AluImm(true, AluOp.Mul, 1, 3),
            Insn.AluImm(true, AluOp.Add, 1, 1),
            Insn.JumpImm(false, JmpOp.Jne, 1, 0, -3),
            Insn.Mov64(0, 0),
            Insn.Exit(),
        ];
        var result = Verifier.Verify(program, LinuxPlatform.ForSection("xdp"), VerifierOptions.Default with { MaxExploredInstructions = 20_000 });
        Assert.False(result.Passed);
        Assert.NotNull(result.PathExplorationFailure);
        Assert.True(result.ExploredInstructions > 0);
    }

    [Fact]
    public void NestedLoopsAreBoundedPerEntryByTheFixpoint()
    {
        // bench/programs/prime.c at full size: ~1000 outer iterations, each entering an inner loop of at most 30.
        string dir = RepoPaths.RepoPath("bench", "programs");
        var result = VerifyC("prime", File.ReadAllText(Path.Combine(dir, "prime.c")), include: dir);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.Fixpoint, result.Pass);
        Assert.InRange(result.MaxLoopIterations!.Value, 30, 1100);
    }

    [Theory]
    [InlineData("large_loop")]
    [InlineData("large_switch")]
    public void LargeGeneratedLoopsAreProvedWithinTheBudget(string name)
    {
        // bench/make_large.py's loop of 64 iterations over a 2,000-instruction body, and its byte-driven state machine
        // (a 64-case switch in the loop): beyond the fixpoint (their counters live in stack slots), proved by paths.
        string generated = Directory.CreateTempSubdirectory("ebpf-large").FullName;
        var make = System.Diagnostics.Process.Start("python3", [RepoPaths.RepoPath("bench", "make_large.py"), generated])!;
        make.WaitForExit();
        Assert.Equal(0, make.ExitCode);
        var result = VerifyC(name, File.ReadAllText(Path.Combine(generated, name + ".c")), include: RepoPaths.RepoPath("bench", "programs"));
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(VerifierPass.PathExploration, result.Pass);
        Assert.InRange(result.ExploredInstructions, 64 * 1000, VerifierOptions.Default.MaxExploredInstructions);
    }

    [Fact]
    public void ZeroExtensionPairDecodesAsAThirtyTwoBitMove()
    {
        Instruction[] program =
        [
            Insn.AluImm(true, AluOp.Lsh, 2, 32),
            Insn.AluImm(true, AluOp.Rsh, 2, 32),
            Insn.Exit(),
        ];
        var ir = IrDecoder.Decode(program);
        Assert.Equal(new BinaryInstruction(BinaryOp.Mov, 2, Operand.Reg(2), false), ir.Slots[0]);
        Assert.Equal(new BinaryInstruction(BinaryOp.Mov, 2, Operand.Reg(2), true), ir.Slots[1]);

        // A jump landing between the two keeps them apart.
        Instruction[] target =
        [
            Insn.JumpImm(false, JmpOp.Jeq, 2, 0, 1),
            Insn.AluImm(true, AluOp.Lsh, 2, 32),
            Insn.AluImm(true, AluOp.Rsh, 2, 32),
            Insn.Exit(),
        ];
        var kept = IrDecoder.Decode(target);
        Assert.IsType<BinaryInstruction>(kept.Slots[1]);
        Assert.Equal(BinaryOp.Lsh, ((BinaryInstruction)kept.Slots[1]!).Op);
    }
}
