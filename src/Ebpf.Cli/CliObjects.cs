using Ebpf.Elf;
using Ebpf.Extensions.Linux;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Native;
using Ebpf.Runtime.Objects;

namespace Ebpf.Cli;

/// <summary>Opens an object in the ABI the user chose, or with "auto" in the one the runtime's rule picks.</summary>
internal static class CliObjects
{
    /// <summary>
    /// "windows" reads the object with the extensions' eBPF for Windows sections and map type numbers; "linux" with
    /// Linux's map type numbers and no extension sections (its programs are checked against the verifier's Linux
    /// platform). "auto" is the ABI the runtime's rule (<see cref="ObjectAbi"/>, which every runtime load follows)
    /// picks with the command line's extensions, Linux when none of them claims any of the object's programs.
    /// </summary>
    public static BpfObject Open(string path, string platformChoice, IReadOnlyList<IExtension> extensions)
    {
        if (IsModule(path)) return NativeModule.Read(path, loadCode: false).Object;
        var abi = platformChoice switch
        {
            "linux" => LinuxAbi.Instance,
            "windows" => PlatformAbi.Windows,
            _ => Choose(path, extensions),
        };
        var sections = abi == PlatformAbi.Windows ? CliPlatform.Sections(extensions, abi) : new SectionRegistry();
        return BpfObject.Open(path, new BpfObjectOpenOptions { Sections = sections, MapTypeNumbering = abi.MapTypes });
    }

    /// <summary>Whether <paramref name="path"/> is a native module (<c>ebpf compile</c>'s output) rather than an ELF object.</summary>
    public static bool IsModule(string path)
    {
        Span<byte> header = stackalloc byte[2];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(header, 2, throwOnEndOfStream: false) == 2 && NativeModule.IsModule(header);
    }

    /// <summary>
    /// What "auto" means for <paramref name="path"/>: the runtime's rule (<see cref="ObjectAbi"/>) over the command
    /// line's extensions; Linux when none of them claims any of its sections. An ambiguity is an error naming it.
    /// </summary>
    public static PlatformAbi Choose(string path, IReadOnlyList<IExtension> extensions)
    {
        var runtime = new EbpfRuntime();
        foreach (var extension in extensions) runtime.Use(extension);
        var obj = BpfObject.Open(path, new BpfObjectOpenOptions { Sections = runtime.Sections });
        var abi = ObjectAbi.Choose(runtime.Extensions, obj, out string? problem);
        if (problem is not null)
            throw new CliInputException($"{path}: cannot tell which platform the object is for: {problem} (--platform windows or --platform linux)");
        return abi ?? LinuxAbi.Instance; // a Linux object of a type only the verifier's Linux platform knows
    }
}
