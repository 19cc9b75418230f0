namespace Ebpf.Extensions.Process;

/// <summary>What happened to the process (<c>process_operation_t</c>).</summary>
public enum ProcessOperation : byte
{
    Create = 0,
    Delete = 1,
}
