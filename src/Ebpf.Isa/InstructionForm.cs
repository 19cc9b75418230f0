namespace Ebpf.Isa;

/// <summary>
/// The operand shape of an opcode: which fields it uses and how. Derived once per opcode
/// (<see cref="OpcodeTable"/>) so that the decoder, disassembler and interpreter agree.
/// </summary>
public enum InstructionForm : byte
{
    Invalid,
    /// <summary>dst = dst op imm (ALU/ALU64, BPF_K). div/mod: offset 1 = signed.</summary>
    AluImm,
    /// <summary>dst = dst op src (ALU/ALU64, BPF_X). div/mod: offset 1 = signed; mov: offset 8/16/32 = movsx.</summary>
    AluReg,
    /// <summary>dst = -dst.</summary>
    Neg,
    /// <summary>Byte order conversion; width (16/32/64) in imm.</summary>
    Endian,
    /// <summary>if (dst op imm) pc += offset.</summary>
    JumpImm,
    /// <summary>if (dst op src) pc += offset.</summary>
    JumpReg,
    /// <summary>pc += offset.</summary>
    Ja,
    /// <summary>pc += imm (gotol, JMP32 class).</summary>
    Ja32,
    /// <summary>Helper (src 0), local (src 1) or runtime-function (src 2) call by imm.</summary>
    Call,
    /// <summary>Call through the register named by dst.</summary>
    CallX,
    Exit,
    /// <summary>dst = 64-bit immediate spread over two slots; src selects a pseudo form.</summary>
    LoadWide,
    /// <summary>dst = *(size *)(src + offset), zero-extended.</summary>
    LoadMem,
    /// <summary>dst = *(signed size *)(src + offset), sign-extended.</summary>
    LoadMemSx,
    /// <summary>*(size *)(dst + offset) = imm.</summary>
    StoreImm,
    /// <summary>*(size *)(dst + offset) = src.</summary>
    StoreReg,
    /// <summary>Atomic read-modify-write of *(dst + offset) with src; operation in imm.</summary>
    Atomic,
    /// <summary>Legacy packet load: r0 = ntoh(*(size *)(packet + imm)).</summary>
    LoadAbs,
    /// <summary>Legacy packet load: r0 = ntoh(*(size *)(packet + src + imm)).</summary>
    LoadInd,
}
