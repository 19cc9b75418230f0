namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>One case of a PREVAIL YAML test file.</summary>
internal sealed record YamlTestCase(
    string File,
    string Name,
    IReadOnlyList<string> Options,
    IReadOnlyList<string> Pre,
    IReadOnlyList<(string Label, IReadOnlyList<string> Lines)> Code,
    IReadOnlyList<string> Post,
    IReadOnlyList<string> Messages,
    bool IsExceptionFixture,
    IReadOnlyList<YamlObservation> Observations)
{
    /// <summary>PREVAIL's verdict: any message other than "Code becomes unreachable" means the program is refused.</summary>
    public bool ExpectRejected => Messages.Any(m => !m.Contains("Code becomes unreachable", StringComparison.Ordinal));
}
