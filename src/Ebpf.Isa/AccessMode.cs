namespace Ebpf.Isa;

/// <summary>Load/store addressing mode (bits 5-7 of the opcode).</summary>
public enum AccessMode : byte
{
    Imm = 0x00,
    /// <summary>Legacy packet access, absolute offset.</summary>
    Abs = 0x20,
    /// <summary>Legacy packet access, register-relative offset.</summary>
    Ind = 0x40,
    Mem = 0x60,
    /// <summary>Sign-extending load (v4).</summary>
    MemSx = 0x80,
    Atomic = 0xC0,
}
