using System.Buffers;
using System.Text;

namespace Ebpf.Extensions.Process;

/// <summary>
/// Joins arguments into one command line the way a POSIX shell reads it back: an argument of safe characters
/// stays bare, any other is single-quoted (a quote inside becomes <c>'\''</c>).
/// </summary>
public static class ShellQuoting
{
    private static readonly SearchValues<char> Safe =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-");

    public static string Join(IEnumerable<string> arguments)
    {
        var line = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (line.Length > 0) line.Append(' ');
            Append(line, argument);
        }
        return line.ToString();
    }

    public static void Append(StringBuilder line, string argument)
    {
        if (argument.Length > 0 && !argument.AsSpan().ContainsAnyExcept(Safe))
        {
            line.Append(argument);
            return;
        }
        line.Append('\'').Append(argument.Replace("'", @"'\''")).Append('\'');
    }
}
