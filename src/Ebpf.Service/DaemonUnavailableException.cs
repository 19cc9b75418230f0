namespace Ebpf.Service;

/// <summary>No daemon answers on the socket (none runs, a stale socket, or the socket's mode shuts the caller out).</summary>
public sealed class DaemonUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
