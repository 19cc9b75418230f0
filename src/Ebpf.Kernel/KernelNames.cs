using System.Text;

namespace Ebpf.Kernel;

/// <summary>Object names as the kernel accepts them: at most 15 characters of [A-Za-z0-9_.], NUL-terminated.</summary>
internal static class KernelNames
{
    public static void Write(Span<byte> field, string name)
    {
        int n = 0;
        foreach (char c in name)
        {
            if (n == field.Length - 1) break;
            field[n++] = (byte)(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? c : '_');
        }
        field[n] = 0;
    }
}
