using System.Text;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The format language of bpf_trace_printk2-5 (eBPF for Windows' rules): the format is 2..511 bytes including its
/// terminator; the text ends at the first NUL, and a newline just before the final byte is dropped; conversions are
/// <c>%d %i %u %x</c>, each optionally prefixed by <c>l</c> or <c>ll</c>, and <c>%%</c>; no flags, width or precision;
/// the number of conversions must equal the number of arguments. As in the Windows (LLP64) C library the helper
/// formats with, <c>l</c> means 32 bits; only <c>ll</c> takes the whole 64-bit argument.
/// </summary>
public static class TracePrintkFormat
{
    public const int MinimumFormatSize = 2;
    public const int MaximumFormatSize = 511;

    /// <summary>
    /// Formats <paramref name="format"/> (the bytes the program passed, terminator included) with
    /// <paramref name="arguments"/>; <paramref name="byteCount"/> is the length of the output in bytes. Returns false when
    /// the format breaks a rule.
    /// </summary>
    public static bool TryFormat(ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, out string text, out int byteCount)
    {
        text = "";
        byteCount = 0;
        if (format.Length is < MinimumFormatSize or > MaximumFormatSize) return false;
        // The last byte is the terminator; a newline right before it is dropped.
        var body = format[..(format[^2] == (byte)'\n' ? format.Length - 2 : format.Length - 1)];
        int nul = body.IndexOf((byte)0);
        if (nul >= 0) body = body[..nul];

        // Worst case: every byte literal plus three 20-digit numbers (with sign).
        Span<byte> output = stackalloc byte[MaximumFormatSize + 3 * 21];
        int written = 0, used = 0;
        for (int i = 0; i < body.Length; i++)
        {
            byte c = body[i];
            if (c != (byte)'%')
            {
                output[written++] = c;
                continue;
            }
            if (i + 1 >= body.Length) return false;
            if (body[i + 1] == (byte)'%')
            {
                output[written++] = (byte)'%';
                i++;
                continue;
            }
            int longs = 0;
            int at = i + 1;
            while (longs < 2 && at < body.Length && body[at] == (byte)'l')
            {
                longs++;
                at++;
            }
            if (at >= body.Length) return false;
            byte conversion = body[at];
            if (conversion is not ((byte)'d' or (byte)'i' or (byte)'u' or (byte)'x')) return false;
            if (used == arguments.Length) return false;
            ulong argument = arguments[used++];
            written += FormatNumber(argument, conversion, wide: longs == 2, output[written..]);
            i = at;
        }
        if (used != arguments.Length) return false;
        text = Encoding.UTF8.GetString(output[..written]);
        byteCount = written;
        return true;
    }

    private static int FormatNumber(ulong argument, byte conversion, bool wide, Span<byte> destination)
    {
        bool ok;
        int length;
        switch (conversion)
        {
            case (byte)'x':
                ok = wide ? argument.TryFormat(destination, out length, "x") : ((uint)argument).TryFormat(destination, out length, "x");
                break;
            case (byte)'u':
                ok = wide ? argument.TryFormat(destination, out length) : ((uint)argument).TryFormat(destination, out length);
                break;
            default:
                ok = wide ? ((long)argument).TryFormat(destination, out length) : ((int)argument).TryFormat(destination, out length);
                break;
        }
        return ok ? length : throw new InvalidOperationException("trace_printk output buffer too small");
    }
}
