namespace Ebpf.Fuzz;

/// <summary>
/// How far one input went: refused (at open, map validation, verification or load: <see cref="Refusal"/> says
/// why), or loaded with <see cref="Accepted"/> verified programs run <see cref="Runs"/> times over all engines,
/// packets and contexts. <see cref="Abi"/> is "windows" when an extension claims a program, else "linux".
/// </summary>
public sealed record ExerciseResult(string Abi, bool Loaded, int Accepted, int Runs, string? Refusal)
{
    public static ExerciseResult Refused(string abi, Exception e) => new(abi, false, 0, 0, $"{e.GetType().Name}: {e.Message}");
}
