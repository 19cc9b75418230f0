namespace Ebpf.Verifier.Tests.Differential;

/// <summary>One program's verdict here and, when the kernel could judge it, the kernel's.</summary>
public sealed record ProgramVerdict(string Source, string Object, string Program, OurVerdict Ours,
    (bool Accepted, string Detail)? Kernel, string? KernelSkipped)
{
    public override string ToString() =>
        $"{Source,-12} {Object,-28} {Program,-36} here {(Ours.Accepted ? $"accept ({Ours.Pass})" : "refuse"),-24} kernel " +
        (Kernel is { } k ? (k.Accepted ? "accept" : "refuse") : "-") +
        (Ours.Accepted ? "" : $"\n      here: {Ours.Detail}") +
        (Kernel is { Accepted: false } r ? $"\n      kernel: {r.Detail}" : "");
}

/// <summary>Our verdict: accepted or not, which pass proved it, the first error otherwise.</summary>
public sealed record OurVerdict(bool Accepted, VerifierPass? Pass, string Detail, TimeSpan Elapsed);
