namespace Ebpf.Platform;

/// <summary>
/// Maps an ELF section name (exactly, or by prefix when <see cref="IsPrefix"/>) to a program type and the attach
/// type a program of that section expects. <see cref="BpfAttachType"/> is the integer kept for source compatibility.
/// </summary>
public sealed record SectionMapping(string Section, Guid ProgramType, Guid AttachType, uint BpfAttachType, bool IsPrefix = false)
{
    public bool Matches(string section) =>
        IsPrefix ? section.StartsWith(Section, StringComparison.Ordinal) : string.Equals(section, Section, StringComparison.Ordinal);
}
