namespace Ebpf.Isa;

/// <summary>Atomic operation, held in the immediate of an atomic store (RFC 9669 §5.3).</summary>
[Flags]
public enum AtomicOp
{
    Add = 0x00,
    Or = 0x40,
    And = 0x50,
    Xor = 0xA0,
    /// <summary>Return the old value in the source register.</summary>
    Fetch = 0x01,
    Xchg = 0xE0 | Fetch,
    Cmpxchg = 0xF0 | Fetch,
}
