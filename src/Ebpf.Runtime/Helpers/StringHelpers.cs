using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The bounded string helpers 27-29 with the status codes of the kernel safe-string routines eBPF for Windows calls:
/// strncpy_s reports an NTSTATUS (RtlStringCbCopyNExA), strncat_s an errno (strncat_s), strnlen_s a length.
/// </summary>
public static unsafe class StringHelpers
{
    /// <summary>STATUS_BUFFER_OVERFLOW: the string was truncated to fit.</summary>
    public const int StatusBufferOverflow = unchecked((int)0x80000005);

    /// <summary>STATUS_INVALID_PARAMETER: a size of 0 or above the safe-string limit.</summary>
    public const int StatusInvalidParameter = unchecked((int)0xC000000D);

    /// <summary>EINVAL from strncat_s: empty destination, or a destination without a terminator.</summary>
    public const int Einval = 22;

    /// <summary>ERANGE from strncat_s: the result does not fit.</summary>
    public const int Erange = 34;

    /// <summary>NTSTRSAFE_MAX_CCH: the largest buffer the safe-string routines accept.</summary>
    private const ulong MaxSafeStringBytes = int.MaxValue;

    /// <summary>
    /// bpf_strncpy_s (27): copies at most <c>count</c> bytes of <c>source</c> (up to its NUL), NUL-terminates and
    /// zero-fills the rest of the destination. 0 on success; when it does not fit, the destination holds the truncated,
    /// terminated string and the result is STATUS_BUFFER_OVERFLOW; bad sizes give STATUS_INVALID_PARAMETER.
    /// </summary>
    public static ulong StrncpyS(ulong destination, ulong destinationSize, ulong source, ulong count, ulong r5, ref HelperCallContext call)
    {
        if (destinationSize == 0 || destinationSize > MaxSafeStringBytes) return Status(StatusInvalidParameter);
        var dst = HelperMemory.Writable(ref call, destination, destinationSize);
        if (count > MaxSafeStringBytes)
        {
            dst[0] = 0;
            return Status(StatusInvalidParameter);
        }
        var src = HelperMemory.Readable(ref call, source, count);
        int length = src.IndexOf((byte)0);
        if (length < 0) length = src.Length;
        if (length >= dst.Length)
        {
            src[..(dst.Length - 1)].CopyTo(dst);
            dst[^1] = 0;
            return Status(StatusBufferOverflow);
        }
        src[..length].CopyTo(dst);
        dst[length..].Clear();
        return 0;
    }

    /// <summary>
    /// bpf_strncat_s (28): appends at most <c>count</c> bytes of <c>source</c> (up to its NUL) to the string in the
    /// destination. 0 on success; EINVAL when the destination is empty or holds no terminator; ERANGE when the result
    /// does not fit. On failure with a non-empty destination, the destination becomes the empty string.
    /// </summary>
    public static ulong StrncatS(ulong destination, ulong destinationSize, ulong source, ulong count, ulong r5, ref HelperCallContext call)
    {
        if (destinationSize == 0) return Einval;
        var dst = HelperMemory.Writable(ref call, destination, destinationSize);
        int existing = dst.IndexOf((byte)0);
        if (existing < 0)
        {
            dst[0] = 0;
            return Einval;
        }
        var src = HelperMemory.Readable(ref call, source, count);
        int length = src.IndexOf((byte)0);
        if (length < 0) length = src.Length;
        if ((long)existing + length + 1 > dst.Length)
        {
            dst[0] = 0;
            return Erange;
        }
        src[..length].CopyTo(dst[existing..]);
        dst[existing + length] = 0;
        return 0;
    }

    /// <summary>bpf_strnlen_s (29): the length before the first NUL; <c>str_size</c> when there is none; 0 for a null string.</summary>
    public static ulong StrnlenS(ulong str, ulong size, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (str == 0) return 0;
        int length = HelperMemory.Readable(ref call, str, size).IndexOf((byte)0);
        return length < 0 ? size : (ulong)length;
    }

    private static ulong Status(int status) => (ulong)(long)status;
}
