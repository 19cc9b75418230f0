namespace Ebpf.Kernel;

/// <summary>Why the host kernel refused a bpf(2) command: what it lacks, or what it found wrong with the program.</summary>
public enum KernelRefusalKind
{
    /// <summary>The host does not offer something the program needs (a helper for its type, a program or map type,
    /// an instruction, privileges, bpf(2) itself): another host may run it; compare elsewhere.</summary>
    HostLacksCapability,

    /// <summary>The kernel had what was asked for and refused the program or object itself (e.g. its verifier found it unsafe).</summary>
    ProgramRefused,
}
