using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>A Linux program type: name, context layout, <c>bpf_prog_type</c> and the section prefixes that select it.</summary>
public sealed record LinuxProgramType(string Name, ContextDescriptor Context, uint BpfProgType, IReadOnlyList<string> SectionPrefixes,
    bool IsPrivileged = false);
