namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>
/// A case's "observe" entry: a partial concrete state at a label ("exit" or an instruction index) and point ("pre" or
/// "post") that must be consistent with the invariant there (their meet is not empty) or entailed by it (every state
/// it describes is one the invariant allows).
/// </summary>
internal sealed record YamlObservation(string At, string Point, bool Entailed, IReadOnlyList<string> Constraints)
{
    public string Failure => $"{At}: observation {(Entailed ? "entailed" : "consistent")} failed at {Point}";
}
