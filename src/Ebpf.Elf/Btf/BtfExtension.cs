using System.Buffers.Binary;

namespace Ebpf.Elf.Btf;

/// <summary>
/// The decoded <c>.BTF.ext</c> section: func_info and line_info records grouped by the name of the code section
/// they describe. CO-RE relocation records are not needed by this platform and are skipped.
/// </summary>
internal sealed class BtfExtension
{
    private const int MinHeaderSize = 24;

    public Dictionary<string, List<BtfFunctionInfo>> Functions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<BtfLineInfo>> Lines { get; } = new(StringComparer.Ordinal);

    public static BtfExtension Read(ReadOnlySpan<byte> data, ReadOnlySpan<byte> btfStrings, Func<string, long, BpfObjectException> fail)
    {
        var ext = new BtfExtension();
        if (data.Length < MinHeaderSize) throw fail($"BTF.ext section is {data.Length} bytes, too short for its header", 0);
        if (BinaryPrimitives.ReadUInt16LittleEndian(data) != BtfReader.Magic) throw fail("bad BTF.ext magic", 0);
        if (data[2] != 1) throw fail($"BTF.ext version {data[2]} is not 1", 2);
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (hdrLen < MinHeaderSize || hdrLen > (uint)data.Length) throw fail($"BTF.ext header length {hdrLen} is invalid", 4);
        uint funcOff = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        uint funcLen = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        uint lineOff = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        uint lineLen = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        var body = data[(int)hdrLen..];

        ReadInfo(body, funcOff, funcLen, 8, hdrLen, btfStrings, fail, "func_info", (section, rec, strings, at) =>
        {
            if (!ext.Functions.TryGetValue(section, out var list)) ext.Functions[section] = list = [];
            list.Add(new BtfFunctionInfo(BinaryPrimitives.ReadUInt32LittleEndian(rec), BinaryPrimitives.ReadUInt32LittleEndian(rec[4..])));
        });
        ReadInfo(body, lineOff, lineLen, 16, hdrLen, btfStrings, fail, "line_info", (section, rec, strings, at) =>
        {
            uint lineCol = BinaryPrimitives.ReadUInt32LittleEndian(rec[12..]);
            var line = new BtfLineInfo(BinaryPrimitives.ReadUInt32LittleEndian(rec),
                BtfReader.String(strings, BinaryPrimitives.ReadUInt32LittleEndian(rec[4..]), fail, at),
                BtfReader.String(strings, BinaryPrimitives.ReadUInt32LittleEndian(rec[8..]), fail, at),
                (int)(lineCol >> 10), (int)(lineCol & 0x3FF));
            if (!ext.Lines.TryGetValue(section, out var list)) ext.Lines[section] = list = [];
            list.Add(line);
        });
        return ext;
    }

    private delegate void RecordSink(string section, ReadOnlySpan<byte> record, ReadOnlySpan<byte> strings, long at);

    private static void ReadInfo(ReadOnlySpan<byte> body, uint offset, uint length, int minRecordSize, uint bodyBase,
        ReadOnlySpan<byte> btfStrings, Func<string, long, BpfObjectException> fail, string what, RecordSink sink)
    {
        if (length == 0) return;
        if ((ulong)offset + length > (ulong)body.Length) throw fail($"BTF.ext {what} area goes past the end of the section", bodyBase + offset);
        var area = body.Slice((int)offset, (int)length);
        long areaBase = bodyBase + offset;
        if (area.Length < 4) throw fail($"BTF.ext {what} area is truncated", areaBase);
        uint recordSize = BinaryPrimitives.ReadUInt32LittleEndian(area);
        if (recordSize < minRecordSize || recordSize > 1024) throw fail($"BTF.ext {what} record size {recordSize} is invalid", areaBase);
        int pos = 4;
        while (pos < area.Length)
        {
            if (area.Length - pos < 8) throw fail($"BTF.ext {what} section header is truncated", areaBase + pos);
            string section = BtfReader.String(btfStrings, BinaryPrimitives.ReadUInt32LittleEndian(area[pos..]), fail, areaBase + pos);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(area[(pos + 4)..]);
            pos += 8;
            if ((ulong)count * recordSize > (ulong)(area.Length - pos))
                throw fail($"BTF.ext {what} for '{section}' claims {count} records, more than the area holds", areaBase + pos - 4);
            for (uint i = 0; i < count; i++, pos += (int)recordSize)
                sink(section, area.Slice(pos, (int)recordSize), btfStrings, areaBase + pos);
        }
    }
}
