using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Process;

/// <summary>The process extension (ntosebpfext's process monitor): program type "process", its hook and helpers.</summary>
public sealed class ProcessExtension : IExtension
{
    public const string ExtensionName = "Ebpf.Extensions.Process";

    public ProcessExtension()
    {
        Provider = new ProgramInformationProvider(ExtensionName, WellKnownProgramTypes.Process, ProcessHelpers.All,
            contextFactory: new ProcessContextFactory());
        ProgramInformationProviders = [Provider];
        HookProviders = [Hook];
    }

    public string Name => ExtensionName;
    public ProgramInformationProvider Provider { get; }
    public ProcessHook Hook { get; } = new();

    public IReadOnlyList<SectionMapping> Sections { get; } =
        [.. SectionRegistry.DefaultMappings.Where(m => m.ProgramType == WellKnownProgramTypes.ProcessGuid)];

    public IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    public IReadOnlyList<HookProvider> HookProviders { get; }
}
