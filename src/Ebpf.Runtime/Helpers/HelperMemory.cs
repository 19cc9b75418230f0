using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// Turns helper pointer arguments into spans. In a checked run the range is validated first (a fault names the
/// call's pc); in an unchecked run the verifier has already proven the access safe.
/// </summary>
public static unsafe class HelperMemory
{
    public static Span<byte> Writable(ref HelperCallContext context, ulong address, ulong length)
    {
        if (length == 0) return default;
        context.ValidateAccess(address, length, MemoryAccess.Write);
        return new Span<byte>((void*)address, checked((int)length));
    }

    public static ReadOnlySpan<byte> Readable(ref HelperCallContext context, ulong address, ulong length)
    {
        if (length == 0) return default;
        context.ValidateAccess(address, length, MemoryAccess.Read);
        return new ReadOnlySpan<byte>((void*)address, checked((int)length));
    }
}
