using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Linux;

/// <summary>Test-run contexts of socket_filter (network layer) and sched_cls (link layer) programs: see <see cref="LinuxSkBuffContext"/>.</summary>
public sealed class LinuxSkBuffContextFactory(bool linkLayer) : IProgramContextFactory
{
    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn) =>
        LinuxSkBuffContext.Create(contextIn, dataIn, linkLayer);

    public ReadOnlySpan<byte> DataOut(ProgramContext context) => LinuxSkBuffContext.Frame(context);
}
