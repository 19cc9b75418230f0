using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Linux;

/// <summary>Test-run contexts of socket_filter (network layer) and sched_cls (link layer) programs: see <see cref="LinuxSkBuffContext"/>.</summary>
public sealed class LinuxSkBuffContextFactory(bool linkLayer) : IProgramContextFactory
{
    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn) =>
        LinuxSkBuffContext.Create(contextIn, dataIn, linkLayer);

    /// <summary>The __sk_buff and the packet pointers behind it, not the socket cookie behind those.</summary>
    public int ContextOutLength(ProgramContext context) => LinuxSkBuffContext.ContextOutLength;

    /// <summary>
    /// The frame; for a program that does not see the link layer, with that header cleared, as BPF_PROG_TEST_RUN
    /// pushes it back zeroed.
    /// </summary>
    public ReadOnlySpan<byte> DataOut(ProgramContext context)
    {
        var frame = LinuxSkBuffContext.Frame(context);
        if (linkLayer) return frame;
        var copy = frame.ToArray();
        copy.AsSpan(0, Math.Min(copy.Length, LinuxSkBuffContext.EthernetHeaderLength)).Clear();
        return copy;
    }
}
