using Ebpf.Elf;
using Ebpf.Platform;

namespace Ebpf.Cli.Commands;

/// <summary>Human names for the object model's values, shared by the object commands.</summary>
internal static class ObjectDescriptions
{
    public static string ProgramType(BpfProgram program) =>
        WellKnownProgramTypes.All.FirstOrDefault(t => t.ProgramType == program.ProgramType)?.Name
        ?? (program.ProgramType == Guid.Empty ? "unknown" : program.ProgramType.ToString());

    public static string MapType(BpfMap map) => map.PlatformType is { } t ? t.ToString() : $"raw {map.RawType}";

    public static string Kind(BpfProgramKind kind) => kind switch
    {
        BpfProgramKind.Entry => "entry",
        BpfProgramKind.GlobalFunction => "global",
        BpfProgramKind.Callback => "callback",
        _ => "subprogram",
    };

    /// <summary>Opens the object, or writes the loader's message to the error stream and returns null.</summary>
    public static BpfObject? Open(FileInfo file, MapTypeNumbering numbering, TextWriter error)
    {
        try
        {
            return BpfObject.Open(file.FullName, new BpfObjectOpenOptions { MapTypeNumbering = numbering });
        }
        catch (BpfObjectException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
