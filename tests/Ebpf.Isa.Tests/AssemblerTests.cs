namespace Ebpf.Isa.Tests;

public class AssemblerTests
{
    public static TheoryData<string> AsmFiles() =>
        new(ConformanceAssembly.Files().Where(f => ConformanceAssembly.Section(f, "asm") is not null));

    /// <summary>Every conformance program: text -> bytes -> text -> bytes gives the same bytes, and the bytes are valid.</summary>
    [Theory]
    [MemberData(nameof(AsmFiles))]
    public void ConformanceProgramsRoundTrip(string file)
    {
        var program = Assembler.Assemble(ConformanceAssembly.Section(file, "asm")!);
        ProgramDecoder.Validate(program);
        var bytes = Instruction.WriteAll(program);
        var decoded = ProgramDecoder.Decode(bytes);
        var text = Disassembler.Disassemble(decoded);
        var again = Assembler.Assemble(text);
        Assert.Equal(bytes, Instruction.WriteAll(again));
    }

    [Fact]
    public void AsmAndRawSectionsAgree()
    {
        // lddw.data carries both forms; the raw words are little-endian 64-bit slots.
        var program = Assembler.Assemble(ConformanceAssembly.Section("lddw.data", "asm")!);
        var raw = ConformanceAssembly.Section("lddw.data", "raw")!
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => Instruction.FromRaw(Convert.ToUInt64(w, 16))).ToArray();
        Assert.Equal(raw, program);
    }

    [Theory]
    [InlineData("add32 %r0, 1", 0x04, 0, 0, 0, 1)]
    [InlineData("add32 %r0, -3", 0x04, 0, 0, 0, -3)]
    [InlineData("mov %r0, %r2", 0xbf, 0, 2, 0, 0)]
    [InlineData("ldxdw %r0, [%r1+2]", 0x79, 0, 1, 2, 0)]
    [InlineData("stxdw [%r10-8], %r0", 0x7b, 10, 0, -8, 0)]
    [InlineData("sth [%r1], 0x1234", 0x6a, 1, 0, 0, 0x1234)]
    [InlineData("lock cmpxchg [%r10-8], %r1", 0xdb, 10, 1, -8, 0xf1)]
    [InlineData("lock fetch add32 [%r10-4], %r1", 0xc3, 10, 1, -4, 0x01)]
    [InlineData("lock xor [%r10-8], %r1", 0xdb, 10, 1, -8, 0xa0)]
    [InlineData("ja +2", 0x05, 0, 0, 2, 0)]
    [InlineData("ja32 -1", 0x06, 0, 0, 0, -1)]
    [InlineData("jne %r1, 0x80000000, +1", 0x55, 1, 0, 1, int.MinValue)]
    [InlineData("jsle32 %r1, %r2, -3", 0xde, 1, 2, -3, 0)]
    [InlineData("be16 %r3", 0xdc, 3, 0, 0, 16)]
    [InlineData("le64 %r3", 0xd4, 3, 0, 0, 64)]
    [InlineData("bswap32 %r3", 0xd7, 3, 0, 0, 32)]
    [InlineData("swap32 %r3", 0xd7, 3, 0, 0, 32)]
    [InlineData("sdiv32 %r1, -2", 0x34, 1, 0, 1, -2)]
    [InlineData("smod %r1, %r2", 0x9f, 1, 2, 1, 0)]
    [InlineData("movsx1632 %r4, %r3", 0xbc, 4, 3, 16, 0)]
    [InlineData("movsx3264 %r0, %r9", 0xbf, 0, 9, 32, 0)]
    [InlineData("ldxsh %r0, [%r10-2]", 0x89, 0, 10, -2, 0)]
    [InlineData("neg32 %r5", 0x84, 5, 0, 0, 0)]
    [InlineData("call 5", 0x85, 0, 0, 0, 5)]
    [InlineData("call local +3", 0x85, 0, 1, 0, 3)]
    [InlineData("call %r2", 0x8d, 2, 0, 0, 0)]
    [InlineData("exit", 0x95, 0, 0, 0, 0)]
    [InlineData("ldabsh 0xc", 0x28, 0, 0, 0, 12)]
    [InlineData("ldindb %r3, 2", 0x50, 0, 3, 0, 2)]
    public void AssemblesOneInstruction(string text, int opcode, int dst, int src, int offset, int imm)
    {
        var program = Assembler.Assemble(text);
        Assert.Equal([new Instruction((byte)opcode, (byte)dst, (byte)src, (short)offset, imm)], program);
    }

    [Theory]
    [InlineData("add32 %r0, 1")]
    [InlineData("ldxdw %r0, [%r1+2]")]
    [InlineData("ldxh %r0, [%r1]")]
    [InlineData("stxdw [%r10-8], %r0")]
    [InlineData("lock cmpxchg [%r10-8], %r1")]
    [InlineData("lock fetch or32 [%r10-4], %r2")]
    [InlineData("ja +2")]
    [InlineData("jeq %r1, 0x80000000, +1")]
    [InlineData("mov %r0, -1")]
    [InlineData("mov32 %r0, 0x7fffffff")]
    [InlineData("call local -4")]
    [InlineData("call 5")]
    [InlineData("call %r2")]
    [InlineData("bswap64 %r0")]
    [InlineData("movsx864 %r6, %r5")]
    public void DisassemblesInTheSuiteSyntax(string text) =>
        Assert.Equal(text + "\n", Disassembler.Disassemble(Assembler.Assemble(text)));

    [Fact]
    public void WideLoadsPrintTheWholeImmediate()
    {
        Assert.Equal("lddw %r0, 0x1122334455667788\n", Disassembler.Disassemble(Insn.LdDw(0, 0x1122334455667788)));
        Assert.Equal("lddw %r1, map_fd 3\n", Disassembler.Disassemble(Insn.LdDwPseudo(1, PseudoSource.MapFd, 3)));
        Assert.Equal("lddw %r1, map_value 3, 0x10\n", Disassembler.Disassemble(Insn.LdDwPseudo(1, PseudoSource.MapValue, 3, 16)));
        Assert.Equal(Insn.LdDwPseudo(1, PseudoSource.MapValue, 3, 16), Assembler.Assemble("lddw %r1, map_value 3, 0x10"));
    }

    [Fact]
    public void LabelsResolveForwardAndBackwardAndExitIsImplicit()
    {
        var program = Assembler.Assemble("""
            start: mov %r0, 0   # comment
            jeq %r0, 0, done
            ja start
            done:
            ja exit
            call local fn
            exit
            fn:
            exit
            """);
        Assert.Equal(1, program[1].Offset);  // jeq -> done (slot 3)
        Assert.Equal(-3, program[2].Offset); // ja -> start (slot 0)
        Assert.Equal(1, program[3].Offset);  // ja -> first exit (slot 5)
        Assert.Equal(1, program[4].Imm);     // call local -> fn (slot 6)
    }

    [Theory]
    [InlineData("or %r0, %r11", 1, "Invalid register: %r11")]
    [InlineData("mov %r0, 1\nfoo %r0", 2, "Invalid mnemonic: foo")]
    [InlineData("ja nowhere", 1, "Invalid label: nowhere")]
    [InlineData("x:\nx:\nexit", 2, "Duplicate label (x) at instruction 0 (previous declaration at instruction 0)")]
    [InlineData("lock", 1, "Invalid number of operands for lock")]
    [InlineData("lock fetch xchg [%r10-8], %r1", 1, "Invalid atomic operation: fetch xchg")]
    [InlineData("add %r0", 1, "Invalid number of operands for mnemonic: add")]
    [InlineData("mov32 %r0, 4294967296", 1, "Immediate out of range: 4294967296")]
    [InlineData("mov32 %r0, 2147483648", 1, "Immediate out of range: 2147483648")]
    [InlineData("mov32 %r0, 0x1g", 1, "Invalid immediate: 0x1g")]
    [InlineData("ldxb %r0, [%r1+32768]", 1, "Offset out of range: +32768")]
    [InlineData("ja +32768", 1, "Jump offset out of range: +32768")]
    [InlineData("movsx3232 %r0, %r1", 1, "Invalid mnemonic: movsx3232")]
    [InlineData("call far 1", 1, "Invalid call mode: far")]
    public void ReportsErrorsWithLineAndMessage(string text, int line, string message)
    {
        var error = Assert.Throws<AssemblerException>(() => Assembler.Assemble(text));
        Assert.Equal(line, error.Line);
        Assert.Equal(message, error.Detail);
    }
}
