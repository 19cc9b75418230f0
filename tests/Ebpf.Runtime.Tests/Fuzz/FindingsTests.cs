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

    [Fact]
    public void APossiblyNullInnerMapIsNotAMapArgument()
    {
        var result = new ObjectExercise().Run(File.ReadAllBytes(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings", "map_in_map-null-inner-map.o")));
        Assert.False(result.Loaded);
        Assert.Contains("lookup_nested", result.Refusal);
    }

    [Fact]
    public void TwoProgramsOfOneNameAreAnOpenError()
    {
        var result = new ObjectExercise().Run(File.ReadAllBytes(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings", "tail_calls-duplicate-program-name.o")));
        Assert.False(result.Loaded);
        Assert.Contains("BpfObjectException", result.Refusal);
        Assert.Contains("two programs are named 'entry'", result.Refusal);
    }

    [Fact]
    public void AStoreRelocatedIntoReadOnlyDataIsRefused()
    {
        var result = new ObjectExercise().Run(File.ReadAllBytes(RepoPaths.RepoPath("tests", "Ebpf.Runtime.Tests", "Fuzz", "Findings", "global_data-rodata-write.o")));
        Assert.False(result.Loaded);
        Assert.Contains("Cannot write to a map value programs may only read", result.Refusal);
    }
}
