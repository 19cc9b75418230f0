namespace Ebpf.Kernel;

/// <summary>The host kernel refused a bpf(2) command; <see cref="Errno"/> is its error number, <see cref="Log"/> the verifier log if any.</summary>
public sealed class KernelBpfException(string message, int errno, string? log = null) : Exception(message)
{
    public int Errno { get; } = errno;
    public string? Log { get; } = log;
}
