namespace Ebpf.Isa;

/// <summary>Assembly text that cannot be assembled; <see cref="Line"/> is 1-based.</summary>
public sealed class AssemblerException : Exception
{
    public AssemblerException(int line, string message) : base($"line {line}: {message}")
    {
        Line = line;
        Detail = message;
    }

    public int Line { get; }

    /// <summary>The message without the line prefix (e.g. "Invalid register: %r50").</summary>
    public string Detail { get; }
}
