using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Test-run contexts of Linux XDP, as BPF_PROG_TEST_RUN builds them: <c>data_in</c> is the packet; <c>ctx_in</c>, when
/// given, is an <c>xdp_md</c> whose pointer fields are 0 and whose ingress_ifindex and rx_queue_index are taken (the
/// interface defaults to 1); <c>data_out</c> is the metadata and the packet.
/// </summary>
public sealed class LinuxXdpContextFactory : IProgramContextFactory
{
    private const int XdpMdSize = 24;

    public ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> dataIn)
    {
        if (contextIn.Length > XdpMdSize)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; an xdp_md is {XdpMdSize} bytes.", nameof(contextIn));
        Span<byte> md = stackalloc byte[XdpMdSize];
        md.Clear();
        contextIn.CopyTo(md);
        if (BinaryPrimitives.ReadUInt32LittleEndian(md) != 0 || BinaryPrimitives.ReadUInt32LittleEndian(md[4..]) != 0 ||
            BinaryPrimitives.ReadUInt32LittleEndian(md[8..]) != 0)
            throw new ArgumentException("ctx_in sets data, data_end or data_meta of the xdp_md; they come from data_in.", nameof(contextIn));
        uint ifindex = BinaryPrimitives.ReadUInt32LittleEndian(md[12..]);
        return LinuxXdpContext.Create(dataIn, ifindex == 0 ? 1 : ifindex, BinaryPrimitives.ReadUInt32LittleEndian(md[16..]));
    }

    public ReadOnlySpan<byte> DataOut(ProgramContext context) => LinuxXdpContext.MetaAndData(context);
}
