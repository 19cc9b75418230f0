using System.Runtime.InteropServices;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Memory;

/// <summary>Zeroed native allocations for map storage; failure is reported as EBPF_NO_MEMORY, not an OutOfMemoryException.</summary>
internal static unsafe class NativeBlocks
{
    public static void* AllocZeroed(ulong bytes, string what) => Alloc(bytes, 0, what);

    /// <summary>Zeroed memory aligned to <paramref name="alignment"/> (a power of two); freed with NativeMemory.AlignedFree.</summary>
    public static void* AllocZeroedAligned(ulong bytes, ulong alignment, string what) => Alloc(bytes, alignment, what);

    private static void* Alloc(ulong bytes, ulong alignment, string what)
    {
        if (bytes > (ulong)nint.MaxValue)
            throw new EbpfMapException(EbpfResult.ArithmeticOverflow, $"{what}: {bytes} bytes is too large");
        nuint size = (nuint)Math.Max(bytes, 1);
        try
        {
            if (alignment == 0) return NativeMemory.AllocZeroed(size);
            void* block = NativeMemory.AlignedAlloc(size, (nuint)alignment);
            NativeMemory.Clear(block, size);
            return block;
        }
        catch (OutOfMemoryException)
        {
            throw new EbpfMapException(EbpfResult.NoMemory, $"{what}: cannot allocate {bytes} bytes");
        }
    }
}
