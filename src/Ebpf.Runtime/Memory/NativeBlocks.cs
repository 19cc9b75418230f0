using System.Runtime.InteropServices;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Memory;

/// <summary>Zeroed native allocations for map storage; failure is reported as EBPF_NO_MEMORY, not an OutOfMemoryException.</summary>
internal static unsafe class NativeBlocks
{
    public static void* AllocZeroed(ulong bytes, string what)
    {
        if (bytes > (ulong)nint.MaxValue)
            throw new EbpfMapException(EbpfResult.ArithmeticOverflow, $"{what}: {bytes} bytes is too large");
        try
        {
            return NativeMemory.AllocZeroed((nuint)Math.Max(bytes, 1));
        }
        catch (OutOfMemoryException)
        {
            throw new EbpfMapException(EbpfResult.NoMemory, $"{what}: cannot allocate {bytes} bytes");
        }
    }
}
