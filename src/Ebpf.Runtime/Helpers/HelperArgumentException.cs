using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// A checked run passed a helper an argument it cannot use (e.g. r1 of bpf_map_lookup_elem is not a map). Unchecked
/// runs rely on the verifier instead and never raise it.
/// </summary>
public sealed class HelperArgumentException(int programCounter, string helperName, string message)
    : ProgramExecutionException(programCounter, $"{helperName}: {message}")
{
    public string HelperName { get; } = helperName;
}
