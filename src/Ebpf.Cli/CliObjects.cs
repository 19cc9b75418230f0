using Ebpf.Elf;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Native;

namespace Ebpf.Cli;

/// <summary>Opens an object in the ABI the user chose, or with "auto" in the one its programs belong to.</summary>
internal static class CliObjects
{
    /// <summary>
    /// "windows" and "linux" read the object's map types in that ABI's numbering. With "auto" an object that does
    /// not fit the extensions (none of its programs is claimed, or a claimed one calls a helper its type lacks, as a
    /// Linux SEC("xdp") program calling Linux helper ids does) is opened again as Linux, with no extension sections.
    /// </summary>
    public static BpfObject Open(string path, string platformChoice, IReadOnlyList<IExtension> extensions)
    {
        if (IsModule(path)) return NativeModule.Read(path, loadCode: false).Object;
        var sections = platformChoice == "linux" ? new SectionRegistry() : CliPlatform.Sections(extensions);
        var numbering = platformChoice == "linux" ? MapTypeNumbering.Linux : MapTypeNumbering.Windows;
        var obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = sections, MapTypeNumbering = numbering });
        var providers = CliPlatform.ProgramInformation(extensions);
        if (platformChoice == "auto" && !FitsExtensions(obj, providers))
            obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = new SectionRegistry(), MapTypeNumbering = MapTypeNumbering.Linux });
        else if (platformChoice != "linux" && AbiOfClaimed(obj, providers) is { } abi && abi.MapTypes != numbering)
            obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = sections, MapTypeNumbering = abi.MapTypes }); // the Linux extension's types
        return obj;
    }

    /// <summary>Whether <paramref name="path"/> is a native module (<c>ebpf compile</c>'s output) rather than an ELF object.</summary>
    public static bool IsModule(string path)
    {
        Span<byte> header = stackalloc byte[2];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(header, 2, throwOnEndOfStream: false) == 2 && NativeModule.IsModule(header);
    }

    /// <summary>The ABI of the extensions' program types that claim the object's entry programs, when they agree.</summary>
    private static PlatformAbi? AbiOfClaimed(BpfObject obj, IReadOnlyDictionary<Guid, IProgramInformationProvider> providers)
    {
        var abis = obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry && providers.ContainsKey(p.ProgramType))
            .Select(p => providers[p.ProgramType].Information.Abi).Distinct().ToArray();
        return abis.Length == 1 ? abis[0] : null;
    }

    private static bool FitsExtensions(BpfObject obj, IReadOnlyDictionary<Guid, IProgramInformationProvider> providers)
    {
        var entries = obj.Programs.Where(p => p.Kind == BpfProgramKind.Entry).ToArray();
        return entries.Any(p => p.ProgramType != Guid.Empty) && entries.All(p =>
            p.ProgramType == Guid.Empty || providers.TryGetValue(p.ProgramType, out var provider) &&
            ExtensionRegistry.CalledHelperIds(p.Instructions).All(id => provider.Information.FindHelper(id) is not null));
    }
}
