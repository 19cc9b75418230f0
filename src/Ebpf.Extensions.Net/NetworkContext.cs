using System.Buffers.Binary;

namespace Ebpf.Extensions.Net;

/// <summary>The 32-byte network context bpf_sock_addr_get_network_context copies out (version 1).</summary>
public sealed record NetworkContext(uint InterfaceType, uint TunnelType, ulong NextHopInterfaceLuid, uint SubInterfaceIndex)
{
    public const int Size = 32;
    public const uint Version = 1;

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], InterfaceType);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], TunnelType);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], NextHopInterfaceLuid);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], SubInterfaceIndex);
    }
}
