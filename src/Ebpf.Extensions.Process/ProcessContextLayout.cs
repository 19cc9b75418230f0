namespace Ebpf.Extensions.Process;

/// <summary>Byte offsets of <c>process_md_t</c> (ntosebpfext, x64), 144 bytes.</summary>
public static class ProcessContextLayout
{
    public const int Size = 144;
    public const int CommandStart = 0;
    public const int CommandEnd = 8;
    public const int ProcessId = 16;
    public const int ParentProcessId = 24;
    public const int CreatingProcessId = 32;
    public const int CreatingThreadId = 40;
    public const int CreationTime = 48;
    public const int ExitTime = 56;
    public const int ProcessExitCode = 64;
    public const int Operation = 68;
    public const int TokenSidSize = 72;
    public const int TokenSid = 76;
    public const int TokenSidCapacity = 68;
}
