using System.Text;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// The format language of trace_printk. eBPF for Windows' rules (bpf_trace_printk2-5; Linux's differ as
/// <see cref="TracePrintkDialect"/> says): the format is 2..511 bytes including its
/// terminator; the text ends at the first NUL, and a newline just before the final byte is dropped; conversions are
/// <c>%d %i %u %x</c>, each optionally prefixed by <c>l</c> or <c>ll</c>, and <c>%%</c>; no flags, width or precision;
/// the number of conversions must equal the number of arguments. As in the Windows (LLP64) C library the helper
/// formats with, <c>l</c> means 32 bits; only <c>ll</c> takes the whole 64-bit argument.
/// </summary>
public static class TracePrintkFormat
{
    public const int MinimumFormatSize = 2;
    public const int MaximumFormatSize = 511;

    /// <summary>The widest field a Linux format may ask for here (the output buffer is sized for three of them).</summary>
    public const int MaximumWidth = 64;

    /// <summary>
    /// Formats <paramref name="format"/> (the bytes the program passed, terminator included) with
    /// <paramref name="arguments"/> by eBPF for Windows' rules; <paramref name="byteCount"/> is the length of the output
    /// in bytes. Returns false when the format breaks a rule.
    /// </summary>
    public static bool TryFormat(ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, out string text, out int byteCount) =>
        TryFormat(format, arguments, TracePrintkDialect.Windows, out text, out byteCount);

    /// <summary>
    /// Formats by <paramref name="dialect"/>'s rules. A newline right before the terminator ends the line: it is left
    /// out of <paramref name="text"/>, and counted in <paramref name="byteCount"/> only where the ABI prints it (Linux).
    /// </summary>
    public static bool TryFormat(ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, TracePrintkDialect dialect,
        out string text, out int byteCount)
    {
        text = "";
        byteCount = 0;
        if (format.Length is < MinimumFormatSize or > MaximumFormatSize) return false;
        if (dialect.TerminatorLast && format[^1] != 0) return false;
        // Windows: a newline right before the final byte is dropped, then the text ends at the first NUL. Linux: the
        // text ends at the first NUL, and a newline there ends the line.
        bool newline = !dialect.TerminatorLast && format[^2] == (byte)'\n';
        var body = format[..^(newline ? 2 : 1)];
        int nul = body.IndexOf((byte)0);
        if (nul >= 0) body = body[..nul];
        if (dialect.TerminatorLast && body.Length > 0 && body[^1] == (byte)'\n')
        {
            newline = true;
            body = body[..^1];
        }

        // Worst case: every byte literal plus three fields of the widest width or a 20-digit number with sign.
        Span<byte> output = stackalloc byte[MaximumFormatSize + 3 * MaximumWidth];
        Span<byte> field = stackalloc byte[24];
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
            int at = i + 1;
            bool leftAlign = false, zeroPad = false, plus = false, space = false;
            int width = 0;
            if (dialect.FlagsAndWidth)
            {
                for (; at < body.Length && body[at] is (byte)'0' or (byte)'-' or (byte)'+' or (byte)' '; at++)
                {
                    leftAlign |= body[at] == (byte)'-';
                    zeroPad |= body[at] == (byte)'0';
                    plus |= body[at] == (byte)'+';
                    space |= body[at] == (byte)' ';
                }
                for (; at < body.Length && body[at] is >= (byte)'0' and <= (byte)'9'; at++)
                {
                    width = width * 10 + (body[at] - '0');
                    if (width > MaximumWidth) return false;
                }
            }
            int longs = 0;
            while (longs < 2 && at < body.Length && body[at] == (byte)'l')
            {
                longs++;
                at++;
            }
            if (at >= body.Length) return false;
            byte conversion = body[at];
            if (dialect.Conversions.IndexOf((char)conversion) < 0) return false;
            if (used == arguments.Length) return false;
            ulong argument = arguments[used++];
            bool wide = dialect.LongIs64Bits ? longs > 0 : longs == 2;
            int length = conversion == (byte)'c' ? Character(argument, field) : FormatNumber(argument, conversion, wide, field);
            if ((plus || space) && conversion is (byte)'d' or (byte)'i' && field[0] != (byte)'-')
            {
                field[..length].CopyTo(field[1..]);
                field[0] = plus ? (byte)'+' : (byte)' ';
                length++;
            }
            written += Pad(field[..length], width, leftAlign, zeroPad && !leftAlign && conversion != (byte)'c', output[written..]);
            i = at;
        }
        if (dialect.OneArgumentPerConversion && used != arguments.Length) return false;
        text = Encoding.UTF8.GetString(output[..written]);
        byteCount = written + (newline && dialect.TerminatorLast ? 1 : 0);
        return true;
    }

    private static int Character(ulong argument, Span<byte> destination)
    {
        destination[0] = (byte)argument;
        return 1;
    }

    /// <summary>Writes <paramref name="field"/> padded to <paramref name="width"/>; zeros go after a sign.</summary>
    private static int Pad(ReadOnlySpan<byte> field, int width, bool leftAlign, bool zeroPad, Span<byte> destination)
    {
        int padding = Math.Max(0, width - field.Length);
        if (leftAlign)
        {
            field.CopyTo(destination);
            destination.Slice(field.Length, padding).Fill((byte)' ');
            return field.Length + padding;
        }
        if (!zeroPad)
        {
            destination[..padding].Fill((byte)' ');
            field.CopyTo(destination[padding..]);
            return field.Length + padding;
        }
        int sign = field.Length > 0 && field[0] is (byte)'-' or (byte)'+' or (byte)' ' ? 1 : 0;
        field[..sign].CopyTo(destination);
        destination.Slice(sign, padding).Fill((byte)'0');
        field[sign..].CopyTo(destination[(sign + padding)..]);
        return field.Length + padding;
    }

    private static int FormatNumber(ulong argument, byte conversion, bool wide, Span<byte> destination)
    {
        bool ok;
        int length;
        switch (conversion)
        {
            case (byte)'x' or (byte)'X':
                string hex = conversion == (byte)'x' ? "x" : "X";
                ok = wide ? argument.TryFormat(destination, out length, hex) : ((uint)argument).TryFormat(destination, out length, hex);
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
