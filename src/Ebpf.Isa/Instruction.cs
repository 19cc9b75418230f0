using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ebpf.Isa;

/// <summary>
/// One 8-byte eBPF instruction slot (RFC 9669 §3): opcode, dst/src registers, 16-bit offset, 32-bit immediate.
/// A 64-bit immediate load (lddw) spans two consecutive slots; programs are indexed by slot, as jump offsets are.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct Instruction : IEquatable<Instruction>
{
    public const int Size = 8;

    public readonly byte Opcode;
    /// <summary>Low nibble: dst register; high nibble: src register (little-endian encoding).</summary>
    private readonly byte _regs;
    public readonly short Offset;
    public readonly int Imm;

    public Instruction(byte opcode, byte dst, byte src, short offset, int imm)
    {
        Opcode = opcode;
        _regs = (byte)((dst & 0xF) | ((src & 0xF) << 4));
        Offset = offset;
        Imm = imm;
    }

    public byte Dst => (byte)(_regs & 0xF);
    public byte Src => (byte)(_regs >> 4);

    public OpClass Class => (OpClass)(Opcode & 0x07);
    /// <summary>For ALU/JMP classes: the operation (high 4 bits).</summary>
    public byte Operation => (byte)(Opcode & 0xF0);
    /// <summary>For ALU/JMP classes: true when the source operand is a register (BPF_X).</summary>
    public bool UsesSrcRegister => (Opcode & 0x08) != 0;
    /// <summary>For load/store classes: the access size.</summary>
    public AccessSize AccessSize => (AccessSize)(Opcode & 0x18);
    /// <summary>For load/store classes: the addressing mode.</summary>
    public AccessMode Mode => (AccessMode)(Opcode & 0xE0);

    /// <summary>True for the first slot of a 64-bit immediate load (opcode 0x18).</summary>
    public bool IsWideLoad => Opcode == OpCodes.LdDw;

    public static Instruction Read(ReadOnlySpan<byte> slot)
    {
        if (slot.Length < Size) throw new ArgumentException("An instruction needs 8 bytes.", nameof(slot));
        return new Instruction(slot[0], (byte)(slot[1] & 0xF), (byte)(slot[1] >> 4),
            BinaryPrimitives.ReadInt16LittleEndian(slot[2..]), BinaryPrimitives.ReadInt32LittleEndian(slot[4..]));
    }

    public void Write(Span<byte> slot)
    {
        if (slot.Length < Size) throw new ArgumentException("An instruction needs 8 bytes.", nameof(slot));
        slot[0] = Opcode;
        slot[1] = _regs;
        BinaryPrimitives.WriteInt16LittleEndian(slot[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(slot[4..], Imm);
    }

    /// <summary>The slot as one little-endian 64-bit word.</summary>
    public ulong Raw => Opcode | ((ulong)_regs << 8) | ((ulong)(ushort)Offset << 16) | ((ulong)(uint)Imm << 32);

    public static Instruction FromRaw(ulong raw) =>
        new((byte)raw, (byte)((raw >> 8) & 0xF), (byte)((raw >> 12) & 0xF), (short)(raw >> 16), (int)(raw >> 32));

    public Instruction WithImm(int imm) => new(Opcode, Dst, Src, Offset, imm);
    public Instruction WithOffset(short offset) => new(Opcode, Dst, Src, offset, Imm);
    public Instruction WithSrc(byte src) => new(Opcode, Dst, src, Offset, Imm);

    /// <summary>Reads a whole byte image into slots; the length must be a multiple of 8.</summary>
    public static Instruction[] ReadAll(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0)
            throw new ArgumentException($"Program length {bytes.Length} is not a multiple of 8 bytes.", nameof(bytes));
        var result = new Instruction[bytes.Length / Size];
        for (int i = 0; i < result.Length; i++) result[i] = Read(bytes.Slice(i * Size, Size));
        return result;
    }

    public static byte[] WriteAll(ReadOnlySpan<Instruction> instructions)
    {
        var bytes = new byte[instructions.Length * Size];
        for (int i = 0; i < instructions.Length; i++) instructions[i].Write(bytes.AsSpan(i * Size, Size));
        return bytes;
    }

    public bool Equals(Instruction other) => Raw == other.Raw;
    public override bool Equals(object? obj) => obj is Instruction other && Equals(other);
    public override int GetHashCode() => Raw.GetHashCode();
    public static bool operator ==(Instruction left, Instruction right) => left.Equals(right);
    public static bool operator !=(Instruction left, Instruction right) => !left.Equals(right);
    public override string ToString() => $"{{op=0x{Opcode:x2} dst=r{Dst} src=r{Src} off={Offset} imm={Imm}}}";
}
