using CsCheck;

namespace Ebpf.Isa.Tests;

public class IsaPropertyTests
{
    /// <summary>Random well-formed instructions: encode -> disassemble -> assemble gives the same slots.</summary>
    [Fact]
    public void ValidInstructionsRoundTripThroughText() =>
        InstructionGenerators.ValidInstruction.Sample(slots =>
        {
            var text = Disassembler.Format(slots, 0);
            var assembled = Assembler.Assemble(text);
            Assert.True(slots.AsSpan().SequenceEqual(assembled), $"{text} assembled to {string.Join(", ", assembled)}");
            var bytes = Instruction.WriteAll(slots);
            Assert.Equal(slots, Instruction.ReadAll(bytes));
        }, iter: InstructionGenerators.Repeat);

    /// <summary>Programs of random well-formed instructions ending in exit: whole-program text round trip.</summary>
    [Fact]
    public void ValidProgramsRoundTripThroughText() =>
        InstructionGenerators.ValidInstruction.Array[1, 20].Sample(parts =>
        {
            Instruction[] program = [.. parts.SelectMany(p => p), Insn.Exit()];
            var text = Disassembler.Disassemble(program);
            Assert.Equal(Instruction.WriteAll(program), Instruction.WriteAll(Assembler.Assemble(text)));
        }, iter: InstructionGenerators.Iterations(500));

    /// <summary>Random bytes: the decoder either accepts (and then the text round trip holds) or throws its own exception.</summary>
    [Fact]
    public void RandomBytesRaiseOnlyDecodeErrors() =>
        Gen.Byte.Array[0, 96].Sample(DecodeOrRefuse, iter: InstructionGenerators.Iterations(5_000));

    /// <summary>Conformance programs with random bytes overwritten: deep checks (jumps, lddw halves, fields) get exercised.</summary>
    [Fact]
    public void MutatedProgramsRaiseOnlyDecodeErrors()
    {
        var programs = ConformanceAssembly.Files()
            .Select(f => ConformanceAssembly.Section(f, "asm"))
            .OfType<string>()
            .Select(text => Instruction.WriteAll(Assembler.Assemble(text)))
            .ToArray();
        Gen.Select(Gen.Int[0, programs.Length - 1], Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Byte.Array[4])
            .Sample((which, positions, values) =>
            {
                var bytes = (byte[])programs[which].Clone();
                for (int i = 0; i < positions.Length; i++) bytes[positions[i] % bytes.Length] = values[i];
                DecodeOrRefuse(bytes);
            }, iter: InstructionGenerators.Iterations(5_000));
    }

    private static void DecodeOrRefuse(byte[] bytes)
    {
        Instruction[] program;
        try
        {
            program = ProgramDecoder.Decode(bytes);
        }
        catch (InstructionDecodeException e)
        {
            Assert.InRange(e.Index, -1, bytes.Length / Instruction.Size);
            return;
        }
        // Anything the decoder accepts has a canonical text form.
        Assert.Equal(bytes, Instruction.WriteAll(Assembler.Assemble(Disassembler.Disassemble(program))));
    }
}
