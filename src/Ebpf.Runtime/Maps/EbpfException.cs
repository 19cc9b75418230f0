namespace Ebpf.Runtime.Maps;

/// <summary>A failed runtime operation, carrying the eBPF for Windows result code it maps to.</summary>
public class EbpfException : Exception
{
    public EbpfException(EbpfResult result, string message) : base($"{message} ({Describe(result)})") => Result = result;

    public EbpfResult Result { get; }

    /// <summary>"EBPF_OUT_OF_SPACE (29)" style text for messages.</summary>
    public static string Describe(EbpfResult result) => $"EBPF_{ToUpperSnake(result.ToString())} ({(int)result})";

    private static string ToUpperSnake(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (i > 0 && char.IsUpper(c)) builder.Append('_');
            builder.Append(char.ToUpperInvariant(c));
        }
        return builder.ToString();
    }
}
