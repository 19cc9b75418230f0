namespace Ebpf.Extensions.Process;

/// <summary>A process event source cannot run here (missing privilege, unsupported system); the message names what.</summary>
public sealed class ProcessEventSourceException(string message, int errno = 0) : Exception(message)
{
    /// <summary>The operating-system error number behind the failure, 0 when none.</summary>
    public int ErrorNumber { get; } = errno;
}
