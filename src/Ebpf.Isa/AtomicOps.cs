namespace Ebpf.Isa;

/// <summary>The immediates an atomic instruction may carry (RFC 9669 §5.3).</summary>
public static class AtomicOps
{
    public static bool IsDefined(int imm) => imm switch
    {
        (int)AtomicOp.Add or (int)AtomicOp.Or or (int)AtomicOp.And or (int)AtomicOp.Xor => true,
        (int)(AtomicOp.Add | AtomicOp.Fetch) or (int)(AtomicOp.Or | AtomicOp.Fetch) => true,
        (int)(AtomicOp.And | AtomicOp.Fetch) or (int)(AtomicOp.Xor | AtomicOp.Fetch) => true,
        (int)AtomicOp.Xchg or (int)AtomicOp.Cmpxchg => true,
        _ => false,
    };

    /// <summary>True when the operation writes the old value back into the src register.</summary>
    public static bool Fetches(int imm) => (imm & (int)AtomicOp.Fetch) != 0 && imm != (int)AtomicOp.Cmpxchg;
}
