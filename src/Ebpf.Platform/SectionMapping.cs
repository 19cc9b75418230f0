namespace Ebpf.Platform;

/// <summary>
/// Maps an ELF section name (exactly, or by prefix when <see cref="IsPrefix"/>) to a program type and the attach
/// type a program of that section expects. <see cref="BpfAttachType"/> is the integer kept for source compatibility.
/// <see cref="Abi"/> is the ABI of the program type: the same section name may mean a program type of each ABI.
/// </summary>
public sealed record SectionMapping(string Section, Guid ProgramType, Guid AttachType, uint BpfAttachType, bool IsPrefix = false)
{
    public PlatformAbi Abi { get; init; } = PlatformAbi.Windows;

    /// <summary>How closely the mapping matches a section it matches: exact beats any prefix, a longer prefix a shorter one.</summary>
    public int Specificity => IsPrefix ? Section.Length : int.MaxValue;

    public bool Matches(string section) =>
        IsPrefix ? section.StartsWith(Section, StringComparison.Ordinal) : string.Equals(section, Section, StringComparison.Ordinal);
}
