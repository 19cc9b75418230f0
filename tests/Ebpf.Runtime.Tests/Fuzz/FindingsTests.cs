using Ebpf.Fuzz;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Fuzz;

/// <summary>Every input the mutation-soundness run kept (Fuzz/Findings) goes through the exercise without escaping it.</summary>
public class FindingsTests
{
    public static TheoryData<string> Findings() =>
        [.. Directory.GetFiles(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings"), "*.o").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Findings))]
    public void AKeptInputIsAnswered(string name)
    {
        using var exercise = new ObjectExercise();
        var result = exercise.Run(File.ReadAllBytes(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings", name)));
        Assert.NotNull(result);
    }

    /// <summary>Each kept input with what its refusal must name: the rule that now stops it.</summary>
    [Theory]
    // The verifier let a possibly-null map-of-maps result reach bpf_map_lookup_elem as its map.
    [InlineData("map_in_map-null-inner-map.o", new[] { "lookup_nested" })]
    // Two entry programs of one name: an open error, not an ArgumentException from the by-name table.
    [InlineData("tail_calls-duplicate-program-name.o", new[] { "BpfObjectException", "two programs are named 'entry'" })]
    // A store relocated into .rodata: refused by the verifier, not faulted in checked mode.
    [InlineData("global_data-rodata-write.o", new[] { "Cannot write to a map value programs may only read" })]
    public void AKeptInputIsRefusedByItsRule(string name, string[] refusal)
    {
        using var exercise = new ObjectExercise();
        var result = exercise.Run(File.ReadAllBytes(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings", name)));
        Assert.False(result.Loaded);
        foreach (var fragment in refusal) Assert.Contains(fragment, result.Refusal);
    }
}
