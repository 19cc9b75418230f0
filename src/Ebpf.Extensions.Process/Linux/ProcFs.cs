using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ebpf.Extensions.Process.Linux;

/// <summary>
/// Reads what the process connector does not carry from <c>/proc/&lt;pid&gt;</c>: the executable, the command line
/// and the stat line. One instance per reading thread (it reuses one buffer). A process that is gone, or a zombie
/// (the kernel has already released its memory and executable), gives null.
/// </summary>
internal sealed class ProcFs
{
    /// <summary>USER_HZ: the unit of /proc/&lt;pid&gt;/stat times on every Linux architecture.</summary>
    public const long ClockTicksPerSecond = 100;

    private readonly byte[] _buffer = new byte[16 * 1024];

    /// <summary>The path <c>/proc/&lt;pid&gt;/exe</c> names (the executable the process runs), or null.</summary>
    public unsafe string? ImagePath(int pid)
    {
        nint length;
        fixed (byte* b = _buffer) length = Native.ReadLink($"/proc/{pid}/exe", b, _buffer.Length);
        return length <= 0 ? null : Encoding.UTF8.GetString(_buffer, 0, (int)length);
    }

    /// <summary>The arguments of <c>/proc/&lt;pid&gt;/cmdline</c> as one line, each quoted as a POSIX shell would need; null if unreadable or empty.</summary>
    public string? CommandLine(int pid)
    {
        int length = Read($"/proc/{pid}/cmdline");
        if (length <= 0) return null;
        var text = _buffer.AsSpan(0, length);
        if (text[^1] == 0) text = text[..^1];
        var line = new StringBuilder(length + 8);
        foreach (var range in text.Split((byte)0))
        {
            if (line.Length > 0) line.Append(' ');
            ShellQuoting.Append(line, Encoding.UTF8.GetString(text[range]));
        }
        return line.ToString();
    }

    /// <summary>The parent pid and start time (clock ticks since boot) of <c>/proc/&lt;pid&gt;/stat</c>, or null.</summary>
    public (int ParentId, long StartTicks)? Stat(int pid)
    {
        int length = Read($"/proc/{pid}/stat");
        if (length <= 0) return null;
        var line = _buffer.AsSpan(0, length);
        // The command name (field 2) is in parentheses and may hold spaces and parentheses: fields resume after the last ')'.
        int close = line.LastIndexOf((byte)')');
        if (close < 0) return null;
        var rest = Encoding.ASCII.GetString(line[(close + 2)..]).Split(' ');
        // rest[0] is field 3 (state): the parent is field 4, the start time field 22.
        return rest.Length > 19 && int.TryParse(rest[1], out int parent) && long.TryParse(rest[19], out long start)
            ? (parent, start) : null;
    }

    private int Read(string path)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path);
            int total = 0;
            while (total < _buffer.Length)
            {
                int read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
                if (read == 0) break;
                total += read;
            }
            return total;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1; // gone (ESRCH/ENOENT) or hidden from us
        }
    }
}
