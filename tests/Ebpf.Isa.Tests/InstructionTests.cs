using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Isa.Tests;

public class InstructionTests
{
    [Fact]
    public void FieldsFollowTheLittleEndianLayout()
    {
        // add64 r3, r7 with offset -2 and imm 0x11223344
        byte[] bytes = [0x0F, 0x73, 0xFE, 0xFF, 0x44, 0x33, 0x22, 0x11];
        var insn = Instruction.Read(bytes);
        Assert.Equal(0x0F, insn.Opcode);
        Assert.Equal(3, insn.Dst);
        Assert.Equal(7, insn.Src);
        Assert.Equal(-2, insn.Offset);
        Assert.Equal(0x11223344, insn.Imm);
        Assert.Equal(OpClass.Alu64, insn.Class);
        Assert.True(insn.UsesSrcRegister);
        Assert.Equal(BitConverter.ToUInt64(bytes), insn.Raw);
    }

    [Fact]
    public void BytesAndRawRoundTrip() =>
        Gen.ULong.Sample(raw =>
        {
            var insn = Instruction.FromRaw(raw);
            Assert.Equal(raw, insn.Raw);
            Span<byte> bytes = stackalloc byte[8];
            insn.Write(bytes);
            Assert.Equal(insn, Instruction.Read(bytes));
        });

    [Fact]
    public void ReadAllRejectsPartialSlots() =>
        Assert.Throws<ArgumentException>(() => Instruction.ReadAll(new byte[12]));
}
