using System.Buffers.Binary;

namespace Ebpf.Extensions.Process.Linux;

/// <summary>
/// The netlink messages of the kernel's process connector (linux/connector.h, linux/cn_proc.h): a 16-byte nlmsghdr,
/// a 20-byte cn_msg, then a struct proc_event (what, cpu, timestamp_ns, and the per-event union at byte 16).
/// </summary>
internal static class ProcessConnectorMessage
{
    public const int NetlinkHeaderSize = 16;
    public const int ConnectorHeaderSize = 20;
    public const int EventOffset = NetlinkHeaderSize + ConnectorHeaderSize;
    public const uint ConnectorIndexProc = 1; // CN_IDX_PROC
    public const uint ConnectorValueProc = 1; // CN_VAL_PROC
    public const ushort NetlinkDone = 3;      // NLMSG_DONE: the type connector messages carry

    public const uint McastListen = 1; // PROC_CN_MCAST_LISTEN
    public const uint McastIgnore = 2; // PROC_CN_MCAST_IGNORE

    /// <summary>PROC_EVENT_* values of <c>what</c>.</summary>
    public const uint EventNone = 0, EventFork = 1, EventExec = 2, EventExit = 0x80000000;

    // Offsets inside struct proc_event.
    public const int What = 0, Timestamp = 8, Data = 16;

    /// <summary>A subscribe/unsubscribe request; the kernel acknowledges it with an EventNone whose cn_msg ack is <paramref name="sequence"/> + 1.</summary>
    public static byte[] Control(uint operation, uint sequence, uint portId)
    {
        var message = new byte[EventOffset + 4];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], NetlinkDone);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], portId);
        var cn = span[NetlinkHeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(cn, ConnectorIndexProc);
        BinaryPrimitives.WriteUInt32LittleEndian(cn[4..], ConnectorValueProc);
        BinaryPrimitives.WriteUInt32LittleEndian(cn[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(cn[12..], sequence); // ack: echoed back + 1
        BinaryPrimitives.WriteUInt16LittleEndian(cn[16..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[EventOffset..], operation);
        return message;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with the proc_event of each connector message in a datagram (several may be
    /// batched; each is NLMSG_ALIGNed). Messages of another connector or cut short are skipped.
    /// </summary>
    public static void ForEachEvent<TState>(ReadOnlySpan<byte> datagram, ref TState state, EventVisitor<TState> visit)
    {
        while (datagram.Length >= EventOffset)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < NetlinkHeaderSize || length > datagram.Length) return;
            var message = datagram[..length];
            if (length >= EventOffset + Data &&
                BinaryPrimitives.ReadUInt32LittleEndian(message[NetlinkHeaderSize..]) == ConnectorIndexProc &&
                BinaryPrimitives.ReadUInt32LittleEndian(message[(NetlinkHeaderSize + 4)..]) == ConnectorValueProc)
            {
                var cn = message[NetlinkHeaderSize..];
                visit(ref state, message[EventOffset..], BinaryPrimitives.ReadUInt32LittleEndian(cn[8..]), BinaryPrimitives.ReadUInt32LittleEndian(cn[12..]));
            }
            int aligned = (length + 3) & ~3;
            if (aligned >= datagram.Length) return;
            datagram = datagram[aligned..];
        }
    }

    public delegate void EventVisitor<TState>(ref TState state, ReadOnlySpan<byte> procEvent, uint sequence, uint ack);

    public static uint U32(ReadOnlySpan<byte> procEvent, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(procEvent[offset..]);
    public static ulong U64(ReadOnlySpan<byte> procEvent, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(procEvent[offset..]);
}
