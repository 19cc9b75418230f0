using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Sample;

/// <summary>The sample extension used by tests: program type "sample", section "sample_ext", and its helpers.</summary>
public sealed class SampleExtension : IExtension
{
    public const string ExtensionName = "Ebpf.Extensions.Sample";

    public SampleExtension()
    {
        Provider = new ProgramInformationProvider(ExtensionName, WellKnownProgramTypes.Sample, SampleHelpers.All,
            SampleHelpers.Overrides, new SampleContextFactory());
        ProgramInformationProviders = [Provider];
        HookProviders = [Hook];
    }

    public string Name => ExtensionName;
    public ProgramInformationProvider Provider { get; }
    public SampleHook Hook { get; } = new();

    public IReadOnlyList<SectionMapping> Sections { get; } =
        [.. SectionRegistry.DefaultMappings.Where(m => m.ProgramType == WellKnownProgramTypes.SampleGuid)];

    public IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    public IReadOnlyList<BtfFunctionImplementation> BtfFunctions { get; } = [SampleHelpers.BtfLookup];
    public IReadOnlyList<HookProvider> HookProviders { get; }
}
