using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Linux helpers fail with a negated errno where eBPF for Windows' fail with a negated <c>ebpf_result_t</c>: the
/// runtime's map operations speak the latter, Linux programs compare with the former (<c>err == -EEXIST</c>).
/// </summary>
internal static class LinuxErrno
{
    public const int ENoent = 2, E2Big = 7, ENomem = 12, EFault = 14, EExist = 17, EInval = 22, EAgain = 11;

    /// <summary>errno by <see cref="EbpfResult"/> value; 0 where no map operation returns that result.</summary>
    private static readonly int[] s_byResult = Build();

    private static int[] Build()
    {
        var table = new int[Enum.GetValues<EbpfResult>().Max(r => (int)r) + 1];
        table[(int)EbpfResult.InvalidArgument] = EInval;
        table[(int)EbpfResult.OperationNotSupported] = EInval; // e.g. deleting from an array: the kernel says EINVAL
        table[(int)EbpfResult.ObjectNotFound] = ENoent;
        table[(int)EbpfResult.KeyNotFound] = ENoent;
        table[(int)EbpfResult.ObjectAlreadyExists] = EExist;
        table[(int)EbpfResult.KeyAlreadyExists] = EExist;
        table[(int)EbpfResult.OutOfSpace] = E2Big; // a full hash map, queue or stack
        table[(int)EbpfResult.NoMemory] = ENomem;
        return table;
    }

    /// <summary>The helper result <paramref name="result"/> (0, a value, or a negated <see cref="EbpfResult"/>) in Linux's terms.</summary>
    public static ulong FromResult(long result)
    {
        if (result >= 0) return (ulong)result;
        long code = -result;
        int errno = code < s_byResult.Length ? s_byResult[code] : 0;
        return unchecked((ulong)-(long)(errno != 0 ? errno : EInval));
    }

    public static ulong Negative(int errno) => unchecked((ulong)-(long)errno);
}
