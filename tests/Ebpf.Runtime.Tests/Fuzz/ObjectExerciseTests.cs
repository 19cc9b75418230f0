using Ebpf.Fuzz;
using Ebpf.TestSupport;

namespace Ebpf.Runtime.Tests.Fuzz;

/// <summary>
/// An exercised input leaves nothing behind: a LIBBPF_PIN_BY_NAME map left pinned stays live in the process-wide
/// map registry, so a long fuzz run accumulated thousands of them (and every lookup that scanned the registry slowed).
/// </summary>
public class ObjectExerciseTests
{
    [Fact]
    public void PinnedMapsAreUnpinnedAfterEachLoad()
    {
        byte[] bytes = File.ReadAllBytes(SampleObjects.Path("maps"));
        using var exercise = new ObjectExercise();
        var result = exercise.Run(bytes);
        // maps.c loads (and pins recent_addresses: ObjectLoadTests.PinnedByNameMapsAreReusedAcrossLoadsAndIncompatibleOnesRefused).
        Assert.True(result.Accepted > 0, $"maps.c did not load: {result}");
        Assert.Equal(0, exercise.Pins.Count);
    }
}
