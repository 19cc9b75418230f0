namespace Ebpf.Isa;

/// <summary>The instruction class: the low three bits of the opcode (RFC 9669 §3.1).</summary>
public enum OpClass : byte
{
    Ld = 0x00,
    Ldx = 0x01,
    St = 0x02,
    Stx = 0x03,
    Alu32 = 0x04,
    Jmp = 0x05,
    Jmp32 = 0x06,
    Alu64 = 0x07,
}
