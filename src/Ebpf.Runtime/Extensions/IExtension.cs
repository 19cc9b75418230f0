using Ebpf.Platform;

namespace Ebpf.Runtime.Extensions;

/// <summary>An extension assembly's contribution: section names, program-information providers and hooks.</summary>
public interface IExtension
{
    string Name { get; }
    IReadOnlyList<SectionMapping> Sections { get; }
    IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    IReadOnlyList<HookProvider> HookProviders { get; }
}
