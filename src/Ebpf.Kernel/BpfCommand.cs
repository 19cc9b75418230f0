namespace Ebpf.Kernel;

/// <summary>The bpf(2) commands this reference engine issues (uapi <c>enum bpf_cmd</c>).</summary>
public enum BpfCommand
{
    MapCreate = 0,
    MapLookupElement = 1,
    MapUpdateElement = 2,
    ProgramLoad = 5,
    ProgramTestRun = 10,
    MapFreeze = 22,
}
