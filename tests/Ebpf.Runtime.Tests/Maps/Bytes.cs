using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Tests.Maps;

/// <summary>Little helpers to turn unmanaged values into key/value byte arrays and back.</summary>
internal static class Bytes
{
    public static byte[] Of<T>(T value) where T : unmanaged => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)).ToArray();

    public static T As<T>(ReadOnlySpan<byte> bytes) where T : unmanaged => MemoryMarshal.Read<T>(bytes);

    public static T As<T>(ReadOnlySpan<byte> bytes, int offset) where T : unmanaged => MemoryMarshal.Read<T>(bytes[offset..]);
}
