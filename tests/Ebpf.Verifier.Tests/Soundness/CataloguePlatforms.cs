using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>
/// The platforms the soundness catalogue runs on: a Linux XDP program (unprivileged: pointers are never numbers) and
/// an eBPF for Windows xdp_test program, each with the same four maps by index: 0 a hash map (4-byte keys, 16-byte
/// values), 1 a program array, 2 an array (4-byte keys, 8-byte values), 3 a queue of 8-byte values.
/// </summary>
internal static class CataloguePlatforms
{
    public static readonly MapDescriptor[] Maps =
    [
        new(1, MapValueKind.Data, 4, 16, 8),
        new(3, MapValueKind.Programs, 4, 4, 4),
        new(2, MapValueKind.Data, 4, 8, 4),
        new(22, MapValueKind.Data, 0, 8, 4),
    ];

    public static IVerifierPlatform Linux { get; } = new LinuxPlatform(LinuxPlatform.Xdp, Maps);

    public static ProgramInformation WindowsInformation { get; } = new(WellKnownProgramTypes.XdpTest);

    public static IVerifierPlatform Windows { get; } = new ProgramInformationPlatform(WindowsInformation, Maps);
}
