using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>
/// bind_md_t.socket_address: a Windows SOCKADDR_IN (family 2 little-endian, port and address in network order, 8
/// zero bytes) in 16 bytes. A SOCKADDR_IN6 is 28 bytes and does not fit, so IPv6 binds are refused with that reason.
/// </summary>
public static class BindSocketAddress
{
    private const ushort WindowsInet = 2;

    public static byte[] Write(IPEndPoint endpoint)
    {
        if (endpoint.AddressFamily != AddressFamily.InterNetwork)
            throw new NotSupportedException($"bind programs see a 16-byte SOCKADDR_IN; {endpoint} is {endpoint.AddressFamily}, whose address does not fit.");
        var bytes = new byte[BindHook.SocketAddressCapacity];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, WindowsInet);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)endpoint.Port);
        endpoint.Address.TryWriteBytes(bytes.AsSpan(4), out _);
        return bytes;
    }

    public static IPEndPoint Read(ReadOnlySpan<byte> address)
    {
        if (address.Length < 8 || BinaryPrimitives.ReadUInt16LittleEndian(address) != WindowsInet)
            throw new SocketException((int)SocketError.AddressFamilyNotSupported,
                $"A bind program redirected to a socket address that is not a SOCKADDR_IN ({address.Length} bytes, family {(address.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(address) : -1)}).");
        return new IPEndPoint(new IPAddress(address.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(address[2..]));
    }
}
