namespace Ebpf.Kernel;

/// <summary>
/// The host kernel refused a bpf(2) command. <see cref="Kind"/> says whether the host lacks something or refused the
/// program itself; <see cref="Reason"/> is the kernel's own reason in one line (the verifier's log line, or what the
/// error number means for the command); <see cref="Errno"/> its error number, <see cref="Log"/> the verifier log if any.
/// </summary>
public sealed class KernelBpfException(string message, int errno, KernelRefusalKind kind, string reason, string what, string? log = null)
    : Exception(message)
{
    public int Errno { get; } = errno;
    public string? Log { get; } = log;
    public KernelRefusalKind Kind { get; } = kind;
    public string Reason { get; } = reason;

    /// <summary>The object, program or map the command was for.</summary>
    public string What { get; } = what;

    public bool HostLacksCapability => Kind == KernelRefusalKind.HostLacksCapability;

    /// <summary>One line: what was refused and the kernel's reason.</summary>
    public string Summary => Kind == KernelRefusalKind.HostLacksCapability
        ? $"{What}: the host kernel lacks what it needs: {Reason}"
        : $"{What}: the host kernel refused it: {Reason}";
}
