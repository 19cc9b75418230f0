using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// The platforms the soundness catalogue runs on: a Linux XDP program (unprivileged: pointers are never numbers) and
/// an eBPF for Windows xdp_test program, each with the same maps by index: 0 a hash map (4-byte keys, 16-byte
/// values), 1 a program array, 2 an array (4-byte keys, 8-byte values), 3 a queue of 8-byte values, 4 a ring buffer
/// and 5 a perf event array (what the ring-buffer and perf-event helpers take).
/// </summary>
internal static class CataloguePlatforms
{
    public static readonly MapDescriptor[] Maps =
    [
        new(1, MapValueKind.Data, 4, 16, 8),
        new(3, MapValueKind.Programs, 4, 4, 4),
        new(2, MapValueKind.Data, 4, 8, 4),
        new(22, MapValueKind.Data, 0, 8, 4),
        new(27, MapValueKind.Data, 0, 0, 4096),
        new(4, MapValueKind.Data, 4, 4, 4),
    ];

    public static IVerifierPlatform Linux { get; } = new LinuxPlatform(LinuxPlatform.Xdp, Maps);

    public static ProgramInformation WindowsInformation { get; } = new(WellKnownProgramTypes.XdpTest);

    /// <summary>The same maps in eBPF for Windows numbering (its queue is 10; its perf event array has no key or value).</summary>
    public static readonly MapDescriptor[] WindowsMaps =
    [
        Maps[0], Maps[1], Maps[2], Maps[3] with { PlatformType = (uint)MapType.Queue },
        Maps[4] with { PlatformType = (uint)MapType.Ringbuf }, new((uint)MapType.PerfEventArray, MapValueKind.Data, 0, 0, 4096),
    ];

    public static IVerifierPlatform Windows { get; } = new ProgramInformationPlatform(WindowsInformation, WindowsMaps);
}
