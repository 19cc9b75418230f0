namespace Ebpf.Extensions.Process;

/// <summary>
/// The outcome of a process creation on the hook: <see cref="Status"/> 0 allows it; otherwise
/// <see cref="ProgramName"/> is the program that returned the status (later programs did not run).
/// </summary>
public readonly record struct ProcessVerdict(uint Status, string? ProgramName, int ProgramsRun)
{
    public bool IsAllowed => Status == 0;
}
