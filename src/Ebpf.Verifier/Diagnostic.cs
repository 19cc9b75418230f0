namespace Ebpf.Verifier;

/// <summary>
/// One finding of the verifier at instruction <see cref="Index"/> (a slot index; -1 for the whole program):
/// the message, the instruction's text, the abstract values of the registers involved, and the source line when
/// a resolver was given.
/// </summary>
public sealed record Diagnostic(int Index, DiagnosticSeverity Severity, string Message, string? Instruction = null,
    string? RegisterState = null, string? SourceLine = null)
{
    public override string ToString()
    {
        var text = Index >= 0 ? $"{Index}: {Message}" : Message;
        if (Instruction is not null) text += $"\n    at {Index}: {Instruction}";
        if (SourceLine is not null) text += $"\n    source: {SourceLine}";
        if (RegisterState is not null) text += $"\n    state: {RegisterState}";
        return text;
    }
}
