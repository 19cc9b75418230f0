namespace Ebpf.Runtime.Tests.Maps;

/// <summary>Stress-test durations: short by default, long with EBPF_LONG_TESTS=1.</summary>
internal static class TestLimits
{
    public static bool Long { get; } = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";

    public static TimeSpan StressDuration => Long ? TimeSpan.FromSeconds(20) : TimeSpan.FromMilliseconds(400);

    public static int Scale(int shortCount, int longCount) => Long ? longCount : shortCount;
}
