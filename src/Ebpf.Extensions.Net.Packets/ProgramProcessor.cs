using Ebpf.Platform;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;

namespace Ebpf.Extensions.Net.Packets;

/// <summary>
/// One loaded XDP program run through the runtime's test-run path, the same invocation <c>ebpf test-run</c> uses:
/// eBPF for Windows xdp and xdp_test programs, and Linux XDP programs (<see cref="LinuxProgramTypeIds.Xdp"/>, which
/// the Linux extension provides), whose verdicts are numbered differently.
/// </summary>
public sealed class ProgramProcessor : IPacketProcessor
{
    private readonly EbpfRuntime _runtime;
    private readonly EbpfProgram _program;
    private readonly Func<ulong, PacketAction> _action;

    public ProgramProcessor(EbpfRuntime runtime, EbpfProgram program)
    {
        _runtime = runtime;
        _program = program;
        _action = program.ProgramType == WellKnownProgramTypes.XdpGuid || program.ProgramType == WellKnownProgramTypes.XdpTestGuid
            ? WindowsXdpAction
            : program.ProgramType == LinuxProgramTypeIds.Xdp ? LinuxXdpAction
            : throw new ArgumentException(
                $"program {program.Name} is of type '{program.ProgramTypeName}'; packets are for xdp and xdp_test programs", nameof(program));
    }

    public string Description => $"program {_program.Name} ({_program.ProgramTypeName})";

    public PacketVerdict Process(ReadOnlySpan<byte> packet)
    {
        var result = _runtime.TestRun(_program, new TestRunOptions { DataIn = packet.ToArray() });
        return new PacketVerdict(_action(result.ReturnValue), result.DataOut, result.ReturnValue);
    }

    /// <summary>eBPF for Windows xdp and xdp_test: XDP_PASS 1, XDP_DROP 2, XDP_TX 3.</summary>
    public static PacketAction WindowsXdpAction(ulong value) => value switch
    {
        1 => PacketAction.Pass,
        2 => PacketAction.Drop,
        3 => PacketAction.Tx,
        _ => PacketAction.Invalid,
    };

    /// <summary>Linux: XDP_ABORTED 0, XDP_DROP 1, XDP_PASS 2, XDP_TX 3, XDP_REDIRECT 4.</summary>
    public static PacketAction LinuxXdpAction(ulong value) => value switch
    {
        0 => PacketAction.Aborted,
        1 => PacketAction.Drop,
        2 => PacketAction.Pass,
        3 => PacketAction.Tx,
        4 => PacketAction.Redirect,
        _ => PacketAction.Invalid,
    };
}
