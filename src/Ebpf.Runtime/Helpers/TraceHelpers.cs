using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// bpf_trace_printk2-5 (12-15): write one formatted line to the <see cref="TraceLog"/>. They return the number of
/// bytes of text written, 0 when tracing is off (nobody reads the log), or -1 for a format of the wrong size or one
/// that breaks <see cref="TracePrintkFormat"/>'s rules.
/// </summary>
public static class TraceHelpers
{
    private const ulong Failure = ulong.MaxValue; // -1

    public static ulong TracePrintk2(ulong format, ulong size, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        Print(format, size, [], ref call);

    public static ulong TracePrintk3(ulong format, ulong size, ulong a3, ulong r4, ulong r5, ref HelperCallContext call) =>
        Print(format, size, [a3], ref call);

    public static ulong TracePrintk4(ulong format, ulong size, ulong a3, ulong a4, ulong r5, ref HelperCallContext call) =>
        Print(format, size, [a3, a4], ref call);

    public static ulong TracePrintk5(ulong format, ulong size, ulong a3, ulong a4, ulong a5, ref HelperCallContext call) =>
        Print(format, size, [a3, a4, a5], ref call);

    /// <summary>
    /// Linux's bpf_trace_printk (6): up to three arguments, taken as the format's conversions ask, by Linux's rules
    /// (<see cref="TracePrintkDialect.Linux"/>); the number of bytes printed, or -EINVAL (-22).
    /// </summary>
    public static ulong TracePrintkLinux(ulong format, ulong size, ulong a3, ulong a4, ulong a5, ref HelperCallContext call) =>
        Print(format, size, [a3, a4, a5], ref call, TracePrintkDialect.Linux, LinuxInvalidArgument);

    /// <summary>
    /// Linux's bpf_trace_vprintk (177), which libbpf's bpf_printk calls for more than three arguments: the arguments are
    /// an array of 64-bit values (data_len a multiple of 8, at most 12 of them, MAX_BPRINTF_VARARGS).
    /// </summary>
    public static ulong TraceVprintkLinux(ulong format, ulong size, ulong data, ulong dataLength, ulong r5, ref HelperCallContext call)
    {
        const int MaxArguments = 12;
        uint length = (uint)dataLength;
        if (length % 8 != 0 || length > MaxArguments * 8 || (length != 0 && data == 0)) return LinuxInvalidArgument;
        Span<ulong> arguments = stackalloc ulong[MaxArguments];
        var bytes = length == 0 ? default : HelperMemory.Readable(ref call, data, length);
        for (int i = 0; i < bytes.Length / 8; i++) arguments[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        return Print(format, size, arguments[..(bytes.Length / 8)], ref call, TracePrintkDialect.Linux, LinuxInvalidArgument);
    }

    private const ulong LinuxInvalidArgument = unchecked((ulong)-22L);

    private static ulong Print(ulong format, ulong size, ReadOnlySpan<ulong> arguments, ref HelperCallContext call) =>
        Print(format, size, arguments, ref call, TracePrintkDialect.Windows, Failure);

    private static ulong Print(ulong format, ulong size, ReadOnlySpan<ulong> arguments, ref HelperCallContext call,
        TracePrintkDialect dialect, ulong failure)
    {
        // The size is checked before anything else, as in eBPF for Windows; the format itself only when tracing is on.
        if (size is < TracePrintkFormat.MinimumFormatSize or > TracePrintkFormat.MaximumFormatSize) return failure;
        bool read = TraceLog.IsEnabled;
        if (!read && !dialect.AlwaysFormats) return 0;
        var bytes = HelperMemory.Readable(ref call, format, size);
        if (!TracePrintkFormat.TryFormat(bytes, arguments, dialect, out string text, out int byteCount)) return failure;
        if (!read) return (ulong)byteCount;
        var state = call.State as InvocationState;
        TraceLog.Write(state?.Program?.Name ?? "", state?.Processor ?? ProcessorSlots.Current, text);
        return (ulong)byteCount;
    }
}
