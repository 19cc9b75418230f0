using Ebpf.Isa;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public class AsmDisasmCommandTests
{
    private const string Source = """
        # sum the first two bytes of memory
        ldxb %r0, [%r1]
        ldxb %r2, [%r1+1]
        add %r0, %r2
        jgt %r0, 10, big
        exit
        big:
        lddw %r0, 0x1122334455667788
        exit
        """;

    [Fact]
    public void AsmWritesTheAssembledImageAndDisasmPrintsItBack()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("p.s"), Source);
        var asm = CliRun.Invoke("asm", dir.File("p.s"), "-o", dir.File("p.bin"));
        Assert.Equal((0, ""), (asm.ExitCode, asm.Error));
        var expected = Assembler.Assemble(Source);
        Assert.Equal(Instruction.WriteAll(expected), System.IO.File.ReadAllBytes(dir.File("p.bin")));
        Assert.Contains($"{expected.Length} slots", asm.Output);

        var disasm = CliRun.Invoke("disasm", dir.File("p.bin"));
        Assert.Equal(0, disasm.ExitCode);
        Assert.Equal(Disassembler.Disassemble(expected), disasm.Output);
        Assert.Equal(expected, Assembler.Assemble(disasm.Output));

        var listing = CliRun.Invoke("disasm", "--listing", dir.File("p.bin"));
        Assert.Equal(Disassembler.Listing(expected), listing.Output);
    }

    [Fact]
    public void AsmReportsTheLineOfAnError()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("bad.s"), "mov %r0, 1\nor %r0, %r50\nexit\n");
        var run = CliRun.Invoke("asm", dir.File("bad.s"), "-o", dir.File("bad.bin"));
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("line 2: Invalid register: %r50", run.Error);
        Assert.False(System.IO.File.Exists(dir.File("bad.bin")));
    }

    [Fact]
    public void AsmRefusesStructurallyInvalidPrograms()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("jump.s"), "ja +5\nexit\n");
        var run = CliRun.Invoke("asm", dir.File("jump.s"), "-o", dir.File("jump.bin"));
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("instruction 0", run.Error);
        Assert.Contains("JumpOutOfRange", run.Error);
    }

    [Fact]
    public void DisasmRefusesMalformedImagesNamingTheSlot()
    {
        using var dir = new TempDirectory();
        // Conformance negative case: add64 with a non-zero offset.
        var test = ConformanceTestFile.Load(System.IO.Path.Combine(ConformanceTestFile.NegativeDirectory, "unused-add64_imm-offset.data"));
        System.IO.File.WriteAllBytes(dir.File("bad.bin"), test.Raw!);
        var run = CliRun.Invoke("disasm", dir.File("bad.bin"));
        Assert.Equal((ExitCodes.Failure, ""), (run.ExitCode, run.Output));
        Assert.Contains("invalid program: instruction 0", run.Error);

        System.IO.File.WriteAllBytes(dir.File("odd.bin"), new byte[12]);
        Assert.Contains("TruncatedInstruction", CliRun.Invoke("disasm", dir.File("odd.bin")).Error);
        Assert.Contains("no such file", CliRun.Invoke("disasm", dir.File("missing.bin")).Error);
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("asm", "x.s").ExitCode);              // missing -o
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("frobnicate").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke().ExitCode);
        var run = CliRun.Invoke("disasm", "a", "--no-such-option");
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--no-such-option", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void HelpDocumentsCommandsAndExitCodes()
    {
        var run = CliRun.Invoke("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var word in new[] { "asm", "disasm", "exec", "conformance-plugin", "Exit codes: 0 success, 1 program or input error, 2 usage error" })
            Assert.Contains(word, run.Output);
    }
}
