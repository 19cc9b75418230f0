namespace Ebpf.Isa;

/// <summary>Why a byte image or an instruction sequence is not a well-formed eBPF program.</summary>
public enum DecodeError
{
    /// <summary>The image is empty.</summary>
    EmptyProgram,
    /// <summary>The image length is not a multiple of 8 bytes.</summary>
    TruncatedInstruction,
    /// <summary>The opcode is not defined by RFC 9669 (or its v4 additions and callx).</summary>
    UnknownOpcode,
    /// <summary>A register field names r11-r15, or an instruction names a register the form does not allow.</summary>
    InvalidRegister,
    /// <summary>The instruction writes r10, the read-only frame pointer.</summary>
    WriteToFramePointer,
    /// <summary>A field the instruction does not use (src, dst, offset or imm) is not zero.</summary>
    UnusedFieldNotZero,
    /// <summary>The offset has a value the instruction does not define (e.g. movsx offset 24, sdiv offset 2).</summary>
    InvalidOffset,
    /// <summary>The immediate has a value the instruction does not define (endian width, atomic operation).</summary>
    InvalidImmediate,
    /// <summary>The src field of lddw or call is not a defined pseudo source.</summary>
    InvalidPseudoSource,
    /// <summary>A 64-bit immediate load is the last slot: its second half is missing.</summary>
    IncompleteWideLoad,
    /// <summary>The second slot of a 64-bit immediate load has a non-zero opcode, register or offset.</summary>
    MalformedWideLoad,
    /// <summary>A jump or local call lands outside the program.</summary>
    JumpOutOfRange,
    /// <summary>A jump or local call lands on the second slot of a 64-bit immediate load.</summary>
    JumpIntoWideLoad,
}
