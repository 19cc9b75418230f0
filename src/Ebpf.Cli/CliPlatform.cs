using Ebpf.Extensions.Linux;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Cli;

/// <summary>The extensions the command line knows: process, network, sample and Linux's program types.</summary>
internal static class CliPlatform
{
    public static IReadOnlyList<IExtension> CreateExtensions() =>
        [new ProcessExtension(), new NetExtension(), new SampleExtension(), new LinuxExtension()];

    /// <summary>A section registry holding the sections the extensions claim (those of <paramref name="abi"/> when given).</summary>
    public static SectionRegistry Sections(IEnumerable<IExtension> extensions, PlatformAbi? abi = null)
    {
        var sections = new SectionRegistry();
        foreach (var mapping in extensions.SelectMany(e => e.Sections))
        {
            if (abi is null || mapping.Abi == abi) sections.Register(mapping);
        }
        return sections;
    }

    /// <summary>The BTF-resolved functions the extensions export, by name.</summary>
    public static Func<string, BtfResolvedFunction?> BtfFunctions(IEnumerable<IExtension> extensions)
    {
        var byName = extensions.SelectMany(e => e.BtfFunctions).ToDictionary(f => f.Function.Name, f => f.Function, StringComparer.Ordinal);
        return name => byName.GetValueOrDefault(name);
    }

    /// <summary>The program-information provider of each program type the extensions own.</summary>
    public static IReadOnlyDictionary<Guid, IProgramInformationProvider> ProgramInformation(IEnumerable<IExtension> extensions) =>
        extensions.SelectMany(e => e.ProgramInformationProviders).ToDictionary(p => p.Information.Descriptor.ProgramType);
}
