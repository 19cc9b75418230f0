namespace Ebpf.Runtime.Tests;

/// <summary>The observation for one file and whether it is what the file expects.</summary>
public sealed record ConformanceOutcome(string File, ConformanceObservation Observed, bool Passed, string Message, Exception? Error = null)
{
    public override string ToString() => $"{File}: {(Passed ? "pass" : "FAIL")} ({Observed}) {Message}";
}
