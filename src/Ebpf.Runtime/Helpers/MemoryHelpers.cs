using System.Runtime.InteropServices;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// bpf_csum_diff (10) and the memory helpers 22-25, with eBPF for Windows' return values: csum_diff, memcpy and
/// memmove report -22 (-EINVAL); memcmp gives -1/0/1; memset returns the buffer address.
/// </summary>
public static class MemoryHelpers
{
    /// <summary>-EINVAL, as these helpers report it.</summary>
    public const long InvalidArgument = -22;

    /// <summary>
    /// bpf_csum_diff (10): seed + the 16-bit words of <c>to</c> + the complemented 16-bit words of <c>from</c>, in
    /// 32-bit signed arithmetic and unfolded. Sizes that are not multiples of 4, or a negative sum, give -22.
    /// A null buffer contributes nothing.
    /// </summary>
    public static ulong CsumDiff(ulong from, ulong fromSize, ulong to, ulong toSize, ulong seed, ref HelperCallContext call)
    {
        // The C prototype takes int sizes and an int seed: only the low 32 bits count.
        int fromLength = (int)fromSize, toLength = (int)toSize;
        if (fromLength % 4 != 0 || toLength % 4 != 0) return unchecked((ulong)InvalidArgument);
        int sum = (int)seed;
        if (to != 0 && toLength > 0)
        {
            foreach (ushort word in MemoryMarshal.Cast<byte, ushort>(HelperMemory.Readable(ref call, to, (ulong)toLength)))
                sum = unchecked(sum + word);
        }
        if (from != 0 && fromLength > 0)
        {
            foreach (ushort word in MemoryMarshal.Cast<byte, ushort>(HelperMemory.Readable(ref call, from, (ulong)fromLength)))
                sum = unchecked(sum + (ushort)~word);
        }
        return sum < 0 ? unchecked((ulong)InvalidArgument) : (ulong)sum;
    }

    /// <summary>bpf_memcpy (22): copies <c>source_size</c> bytes; 0, or -22 when the source is larger than the destination.</summary>
    public static ulong Memcpy(ulong destination, ulong destinationSize, ulong source, ulong sourceSize, ulong r5, ref HelperCallContext call) =>
        Copy(destination, destinationSize, source, sourceSize, ref call);

    /// <summary>bpf_memmove (25): as <see cref="Memcpy"/>, and the buffers may overlap.</summary>
    public static ulong Memmove(ulong destination, ulong destinationSize, ulong source, ulong sourceSize, ulong r5, ref HelperCallContext call) =>
        Copy(destination, destinationSize, source, sourceSize, ref call);

    // Span copies are overlap-safe, so memcpy gets memmove's guarantee for free.
    private static ulong Copy(ulong destination, ulong destinationSize, ulong source, ulong sourceSize, ref HelperCallContext call)
    {
        if (sourceSize > destinationSize) return unchecked((ulong)InvalidArgument);
        var from = HelperMemory.Readable(ref call, source, sourceSize);
        from.CopyTo(HelperMemory.Writable(ref call, destination, destinationSize));
        return 0;
    }

    /// <summary>bpf_memcmp (23): -1, 0 or 1 over the shorter length; with equal prefixes the shorter buffer is lower.</summary>
    public static ulong Memcmp(ulong first, ulong firstSize, ulong second, ulong secondSize, ulong r5, ref HelperCallContext call)
    {
        var a = HelperMemory.Readable(ref call, first, firstSize);
        var b = HelperMemory.Readable(ref call, second, secondSize);
        int common = Math.Min(a.Length, b.Length);
        int order = a[..common].SequenceCompareTo(b[..common]);
        if (order == 0) order = a.Length.CompareTo(b.Length);
        return (ulong)(long)Math.Sign(order);
    }

    /// <summary>bpf_memset (24): fills the buffer with the low byte of <paramref name="value"/> and returns its address.</summary>
    public static ulong Memset(ulong buffer, ulong size, ulong value, ulong r4, ulong r5, ref HelperCallContext call)
    {
        HelperMemory.Writable(ref call, buffer, size).Fill((byte)value);
        return buffer;
    }
}
