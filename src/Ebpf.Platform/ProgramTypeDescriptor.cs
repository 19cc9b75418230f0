namespace Ebpf.Platform;

/// <summary>
/// The identity of a program type, as an extension declares it: descriptor name, context layout, type GUID,
/// the integer <c>bpf_prog_type</c> kept for source compatibility, and whether it is privileged.
/// </summary>
public sealed record ProgramTypeDescriptor(
    string Name,
    ContextDescriptor Context,
    Guid ProgramType,
    uint BpfProgType,
    bool IsPrivileged = false);
