using System.Buffers.Binary;
using System.Collections.Immutable;
using Ebpf.Elf.Format;

namespace Ebpf.Elf.Btf;

/// <summary>Decodes a <c>.BTF</c> section (linux/btf.h layout), checking every length and string offset.</summary>
internal static class BtfReader
{
    public const ushort Magic = 0xEB9F;
    private const int HeaderSize = 24;

    public static BtfTypeTable Read(ReadOnlySpan<byte> data, Func<string, long, BpfObjectException> fail)
    {
        if (data.Length < HeaderSize) throw fail($"BTF section is {data.Length} bytes, too short for its header", 0);
        if (BinaryPrimitives.ReadUInt16LittleEndian(data) != Magic) throw fail("bad BTF magic", 0);
        if (data[2] != 1) throw fail($"BTF version {data[2]} is not 1", 2);
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        uint typeOff = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        uint strOff = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (hdrLen < HeaderSize || hdrLen > (uint)data.Length) throw fail($"BTF header length {hdrLen} is invalid", 4);
        var body = data[(int)hdrLen..];
        if ((ulong)typeOff + typeLen > (ulong)body.Length) throw fail("BTF type area goes past the end of the section", 8);
        if ((ulong)strOff + strLen > (ulong)body.Length) throw fail("BTF string area goes past the end of the section", 16);
        var strings = body.Slice((int)strOff, (int)strLen);
        var types = body.Slice((int)typeOff, (int)typeLen);
        long typesBase = hdrLen + typeOff;

        var builder = ImmutableArray.CreateBuilder<BtfType>();
        builder.Add(new BtfType(0, BtfKind.Void, "", 0, false, 0, 0, [], []));
        int pos = 0;
        int typesLength = types.Length;
        while (pos < types.Length)
        {
            long at = typesBase + pos;
            if (types.Length - pos < 12) throw fail("truncated BTF type", at);
            uint nameOff = BinaryPrimitives.ReadUInt32LittleEndian(types[pos..]);
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 4)..]);
            uint sizeOrType = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 8)..]);
            pos += 12;
            var kind = (BtfKind)((info >> 24) & 0x1F);
            ushort vlen = (ushort)(info & 0xFFFF);
            bool kindFlag = (info >> 31) != 0;
            string name = String(strings, nameOff, fail, at);
            uint id = (uint)builder.Count;
            uint extra = 0;
            ImmutableArray<BtfMember> members = [];
            ImmutableArray<BtfEnumValue> enumValues = [];
            uint elem = 0, index = 0, count = 0;

            int Need(int bytes)
            {
                if (typesLength - pos < bytes) throw fail($"BTF type {id} ({kind}) is truncated", at);
                int start = pos;
                pos += bytes;
                return start;
            }

            switch (kind)
            {
                case BtfKind.Int:
                case BtfKind.Variable:
                case BtfKind.DeclarationTag:
                    extra = BinaryPrimitives.ReadUInt32LittleEndian(types[Need(4)..]);
                    break;
                case BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
                    or BtfKind.Restrict or BtfKind.Function or BtfKind.Float or BtfKind.TypeTag:
                    break;
                case BtfKind.Array:
                {
                    int a = Need(12);
                    elem = BinaryPrimitives.ReadUInt32LittleEndian(types[a..]);
                    index = BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]);
                    count = BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 8)..]);
                    break;
                }
                case BtfKind.Struct or BtfKind.Union:
                {
                    int a = Need(vlen * 12);
                    var list = ImmutableArray.CreateBuilder<BtfMember>(vlen);
                    for (int i = 0; i < vlen; i++, a += 12)
                        list.Add(new BtfMember(String(strings, BinaryPrimitives.ReadUInt32LittleEndian(types[a..]), fail, typesBase + a),
                            BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]), BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 8)..])));
                    members = list.MoveToImmutable();
                    break;
                }
                case BtfKind.FunctionPrototype:
                {
                    int a = Need(vlen * 8);
                    var list = ImmutableArray.CreateBuilder<BtfMember>(vlen);
                    for (int i = 0; i < vlen; i++, a += 8)
                        list.Add(new BtfMember(String(strings, BinaryPrimitives.ReadUInt32LittleEndian(types[a..]), fail, typesBase + a),
                            BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]), 0));
                    members = list.MoveToImmutable();
                    break;
                }
                case BtfKind.DataSection:
                {
                    int a = Need(vlen * 12);
                    var list = ImmutableArray.CreateBuilder<BtfMember>(vlen);
                    for (int i = 0; i < vlen; i++, a += 12)
                        list.Add(new BtfMember("", BinaryPrimitives.ReadUInt32LittleEndian(types[a..]),
                            BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]), BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 8)..])));
                    members = list.MoveToImmutable();
                    break;
                }
                case BtfKind.Enum:
                {
                    int a = Need(vlen * 8);
                    var list = ImmutableArray.CreateBuilder<BtfEnumValue>(vlen);
                    for (int i = 0; i < vlen; i++, a += 8)
                    {
                        uint raw = BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]);
                        list.Add(new BtfEnumValue(String(strings, BinaryPrimitives.ReadUInt32LittleEndian(types[a..]), fail, typesBase + a),
                            kindFlag ? (int)raw : raw));
                    }
                    enumValues = list.MoveToImmutable();
                    break;
                }
                case BtfKind.Enum64:
                {
                    int a = Need(vlen * 12);
                    var list = ImmutableArray.CreateBuilder<BtfEnumValue>(vlen);
                    for (int i = 0; i < vlen; i++, a += 12)
                    {
                        ulong lo = BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 4)..]);
                        ulong hi = BinaryPrimitives.ReadUInt32LittleEndian(types[(a + 8)..]);
                        list.Add(new BtfEnumValue(String(strings, BinaryPrimitives.ReadUInt32LittleEndian(types[a..]), fail, typesBase + a),
                            (long)(hi << 32 | lo)));
                    }
                    enumValues = list.MoveToImmutable();
                    break;
                }
                default:
                    throw fail($"BTF type {id} has unknown kind {(int)kind}", at);
            }
            builder.Add(new BtfType(id, kind, name, vlen, kindFlag, sizeOrType, extra, members, enumValues, elem, index, count));
        }
        return new BtfTypeTable(builder.ToImmutable());
    }

    internal static string String(ReadOnlySpan<byte> strings, uint offset, Func<string, long, BpfObjectException> fail, long at) =>
        ElfImage.ReadString(strings, offset) ?? throw fail($"BTF string offset 0x{offset:x} is outside the string area", at);

    /// <summary>The string area of a BTF section, for BTF.ext's name offsets; empty when the header is unusable.</summary>
    internal static ReadOnlySpan<byte> Strings(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize) return default;
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        uint strOff = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (hdrLen > (uint)data.Length || (ulong)hdrLen + strOff + strLen > (ulong)data.Length) return default;
        return data.Slice((int)(hdrLen + strOff), (int)strLen);
    }
}
