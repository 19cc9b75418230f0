using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ebpf.Extensions.Tests;

/// <summary>A process_event_t record of samples/process_monitor.c (offsets of its C layout).</summary>
internal sealed record ProcessMonitorRecord(ulong Pid, ulong ParentPid, ulong CreationTime, ulong ExitTime, uint ExitCode, bool IsExit,
    string ImagePath, string CommandLine)
{
    public const int Size = 552;

    public static ProcessMonitorRecord Parse(ReadOnlySpan<byte> r)
    {
        Assert.Equal(Size, r.Length);
        return new(BinaryPrimitives.ReadUInt64LittleEndian(r), BinaryPrimitives.ReadUInt64LittleEndian(r[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(r[16..]), BinaryPrimitives.ReadUInt64LittleEndian(r[24..]),
            BinaryPrimitives.ReadUInt32LittleEndian(r[32..]), r[36] == 1, Utf16(r.Slice(40, 256)), Utf16(r.Slice(296, 256)));
    }

    private static string Utf16(ReadOnlySpan<byte> bytes)
    {
        var chars = MemoryMarshal.Cast<byte, char>(bytes);
        int end = chars.IndexOf('\0');
        return new string(end < 0 ? chars : chars[..end]);
    }
}
