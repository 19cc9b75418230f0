using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;

namespace Ebpf.Extensions.Net.Packets;

/// <summary>
/// One loaded XDP program (xdp_test, or Linux <c>xdp</c> where an extension serves it) run through the runtime's
/// test-run path, the same invocation <c>ebpf test-run</c> and BPF_PROG_TEST_RUN comparisons use.
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
        _action = program.ProgramTypeName switch
        {
            "xdp_test" => XdpTestAction,
            "xdp" => LinuxXdpAction,
            var other => throw new ArgumentException(
                $"program {program.Name} is of type '{other}'; packets are for xdp_test and xdp programs", nameof(program)),
        };
    }

    public string Description => $"program {_program.Name} ({_program.ProgramTypeName})";

    public PacketVerdict Process(ReadOnlySpan<byte> packet)
    {
        var result = _runtime.TestRun(_program, new TestRunOptions { DataIn = packet.ToArray() });
        return new PacketVerdict(_action(result.ReturnValue), result.DataOut, result.ReturnValue);
    }

    /// <summary>xdp_test: XDP_PASS 1, XDP_DROP 2, XDP_TX 3.</summary>
    public static PacketAction XdpTestAction(ulong value) => value switch
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
