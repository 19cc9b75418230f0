using Ebpf.Elf;
using Ebpf.Platform;

namespace Ebpf.Cli;

/// <summary>Opens an object in the ABI the user chose, or with "auto" in the one its programs belong to.</summary>
internal static class CliObjects
{
    /// <summary>
    /// "windows" and "linux" open the object in that ABI's map numbering and limits. "auto" opens it as eBPF for
    /// Windows when an extension claims one of its programs, else as Linux; an object whose programs an extension
    /// claims but whose maps eBPF for Windows refuses keeps that refusal (it is not read again as Linux).
    /// </summary>
    public static BpfObject Open(string path, string platformChoice, SectionRegistry sections)
    {
        BpfObject OpenAs(MapTypeNumbering numbering) =>
            BpfObject.Open(path, new BpfObjectOpenOptions { Sections = sections, MapTypeNumbering = numbering });
        static bool Claimed(BpfObject obj) => obj.Programs.Any(p => p.ProgramType != Guid.Empty);

        if (platformChoice == "linux") return OpenAs(MapTypeNumbering.Linux);
        BpfObjectException? windowsError = null;
        try
        {
            var windows = OpenAs(MapTypeNumbering.Windows);
            if (platformChoice == "windows" || Claimed(windows)) return windows;
        }
        catch (BpfObjectException e) when (platformChoice == "auto")
        {
            windowsError = e;
        }
        BpfObject linux;
        try
        {
            linux = OpenAs(MapTypeNumbering.Linux);
        }
        catch (BpfObjectException) when (windowsError is not null)
        {
            throw windowsError;
        }
        if (windowsError is not null && Claimed(linux)) throw windowsError;
        return linux;
    }
}
