namespace Ebpf.Extensions.Process;

/// <summary>
/// One process creation or exit, as an event source reports it. Times are FILETIME (100 ns since 1601). The
/// strings the helpers return travel with the event, as the hidden context header carries them upstream.
/// </summary>
public sealed record ProcessEvent(ProcessOperation Operation, ulong ProcessId)
{
    public ulong ParentProcessId { get; init; }
    public ulong CreatingProcessId { get; init; }
    public ulong CreatingThreadId { get; init; }
    public ulong CreationTime { get; init; }
    public ulong ExitTime { get; init; }
    public uint ExitCode { get; init; }
    public string CommandLine { get; init; } = "";
    public string ImagePath { get; init; } = "";
    /// <summary>Null when the account cannot be resolved (the helpers then return -2).</summary>
    public string? AccountName { get; init; }
    public string? AccountDomain { get; init; }
    public byte[] TokenSid { get; init; } = [];
}
