using Ebpf.Platform;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// An extension assembly's contribution: section names, program-information providers, hooks, and the
/// BTF-resolved functions it exports to programs of any type.
/// </summary>
public interface IExtension
{
    string Name { get; }
    IReadOnlyList<SectionMapping> Sections { get; }
    IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    IReadOnlyList<HookProvider> HookProviders { get; }
    IReadOnlyList<BtfFunctionImplementation> BtfFunctions => [];
}
