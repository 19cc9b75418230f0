namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// The helpers the bpf_conformance suite expects a plugin to provide (uBPF's test plugin numbering). The suite only
/// calls helper 5, "unwind": it returns r1, and when r1 is 0 it ends the program with r0 = 0.
/// </summary>
public static class ConformanceHelpers
{
    public const uint UnwindId = 5;

    public static HelperTable CreateTable() => new HelperTable().Add(UnwindId, "unwind", Unwind);

    private static ulong Unwind(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        if (r1 == 0) context.RequestStop(0);
        return r1;
    }
}
