namespace Ebpf.Verifier;

public enum DiagnosticSeverity
{
    Information,
    Error,
}
