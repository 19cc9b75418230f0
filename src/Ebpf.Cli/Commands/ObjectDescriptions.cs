using Ebpf.Elf;
using Ebpf.Platform;

namespace Ebpf.Cli.Commands;

/// <summary>Human names for the object model's values, shared by the object commands.</summary>
internal static class ObjectDescriptions
{
    public static string ProgramType(BpfProgram program) =>
        WellKnownProgramTypes.All.FirstOrDefault(t => t.ProgramType == program.ProgramType)?.Name
        ?? (program.ProgramType == Guid.Empty ? "unknown" : program.ProgramType.ToString());

    public static string Kind(BpfProgramKind kind) => kind switch
    {
        BpfProgramKind.Entry => "entry",
        BpfProgramKind.GlobalFunction => "global",
        BpfProgramKind.Callback => "callback",
        _ => "subprogram",
    };
}
