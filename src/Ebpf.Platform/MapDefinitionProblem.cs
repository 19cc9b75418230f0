namespace Ebpf.Platform;

/// <summary>
/// Why a map definition is refused: the field at fault (as the definition names it) and the reason.
/// <see cref="TooLarge"/> marks a map whose storage overflows 64-bit arithmetic or exceeds the memory ceiling.
/// </summary>
public sealed record MapDefinitionProblem(string Field, string Reason, bool TooLarge = false)
{
    public override string ToString() => $"{Field}: {Reason}";
}
