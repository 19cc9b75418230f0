using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Ebpf.Elf.Btf;

namespace Ebpf.Cli.Running;

/// <summary>
/// Decodes records (ring-buffer and perf-buffer data) as one struct of an object's BTF, field by field: integers by
/// their signedness, bools, enums by name, char arrays as UTF-8 text and arrays of a 2-byte <c>char16_t</c>,
/// <c>WCHAR</c> or <c>wchar_t</c> typedef as UTF-16 text (each up to the first zero), nested structs and arrays as
/// JSON objects and arrays. Bitfields are extracted.
/// </summary>
public sealed class RecordLayout
{
    private const int MaxDepth = 16;
    private static readonly string[] Utf16Names = ["char16_t", "WCHAR", "wchar_t", "wchar16_t"];

    private readonly BtfTypeTable _btf;
    private readonly BtfType _struct;

    private RecordLayout(BtfTypeTable btf, BtfType type, string name)
    {
        _btf = btf;
        _struct = type;
        Name = name;
    }

    /// <summary>The name the struct was found by (a typedef name, or the struct's own).</summary>
    public string Name { get; }

    public int Size => (int)_struct.SizeOrType;

    /// <summary>
    /// The struct named <paramref name="name"/> (a typedef of a struct, <c>struct x</c> or <c>x</c>), or null with
    /// the reason in <paramref name="error"/>.
    /// </summary>
    public static RecordLayout? Find(BtfTypeTable? btf, string name, out string error)
    {
        error = "";
        if (btf is null)
        {
            error = "the object has no BTF (.BTF section): compile it with -g";
            return null;
        }
        string bare = name.StartsWith("struct ", StringComparison.Ordinal) ? name[7..].Trim() : name;
        foreach (var t in btf.Types)
        {
            if (t.Name != bare) continue;
            if (t.Kind == BtfKind.Struct) return new(btf, t, name);
            if (t.Kind == BtfKind.Typedef && btf.SkipModifiers(t.SizeOrType) is { Kind: BtfKind.Struct } target) return new(btf, target, name);
        }
        var structs = Candidates(btf).Select(c => c.Name).Distinct().ToList();
        error = $"the object's BTF has no struct named '{name}'" + (structs.Count > 0 ? $"; structs: {string.Join(", ", structs)}" : "");
        return null;
    }

    /// <summary>The first struct the object declares whose size is <paramref name="size"/> (named by its typedef when it has one), or null.</summary>
    public static RecordLayout? BySize(BtfTypeTable? btf, int size)
    {
        if (btf is null) return null;
        foreach (var (type, name) in Candidates(btf))
            if (type.SizeOrType == size) return new(btf, type, name);
        return null;
    }

    private static IEnumerable<(BtfType Type, string Name)> Candidates(BtfTypeTable btf)
    {
        var typedefNames = new Dictionary<uint, string>();
        foreach (var t in btf.Types)
            if (t.Kind == BtfKind.Typedef && btf.Get(t.SizeOrType) is { Kind: BtfKind.Struct } s) typedefNames.TryAdd(s.Id, t.Name);
        foreach (var t in btf.Types)
        {
            if (t.Kind != BtfKind.Struct || t.Members.IsDefaultOrEmpty) continue;
            if (typedefNames.TryGetValue(t.Id, out var alias)) yield return (t, alias);
            else if (t.Name.Length > 0) yield return (t, "struct " + t.Name);
        }
    }

    /// <summary>The record's fields; a record shorter than the struct gives the fields that fit.</summary>
    public JsonObject Decode(ReadOnlySpan<byte> record) => Struct(_struct, record, 0);

    private JsonObject Struct(BtfType type, ReadOnlySpan<byte> bytes, int depth)
    {
        var fields = new JsonObject();
        for (int i = 0; i < type.Members.Length; i++)
        {
            var member = type.Members[i];
            uint bitOffset = type.MemberBitOffset(i);
            uint bitSize = type.KindFlag ? member.Offset >> 24 : 0;
            string name = member.Name.Length > 0 ? member.Name : $"_{i}";
            JsonNode? value;
            if (bitSize != 0)
            {
                value = Bitfield(member.Type, bytes, bitOffset, bitSize);
            }
            else
            {
                int start = (int)(bitOffset / 8);
                ulong size = _btf.SizeOf(member.Type) ?? 0;
                if (start + (long)size > bytes.Length) break;
                value = Value(member.Type, bytes.Slice(start, (int)size), depth + 1);
            }
            fields[name] = value;
        }
        return fields;
    }

    private JsonNode? Value(uint typeId, ReadOnlySpan<byte> bytes, int depth)
    {
        var type = _btf.SkipModifiers(typeId);
        if (type is null || depth > MaxDepth) return Convert.ToHexStringLower(bytes);
        switch (type.Kind)
        {
            case BtfKind.Int:
                int encoding = (int)(type.Extra >> 24) & 0xF;
                if ((encoding & 4) != 0) return bytes.IndexOfAnyExcept((byte)0) >= 0;
                return Integer(bytes, (encoding & 1) != 0);
            case BtfKind.Enum or BtfKind.Enum64:
                long number = Integer(bytes, signed: true).GetValue<long>();
                foreach (var e in type.EnumValues)
                    if (e.Value == number) return e.Name;
                return number;
            case BtfKind.Pointer:
                return $"0x{BinaryPrimitives.ReadUInt64LittleEndian(bytes):x}";
            case BtfKind.Float:
                return bytes.Length == 4 ? BinaryPrimitives.ReadSingleLittleEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes);
            case BtfKind.Struct:
                return Struct(type, bytes, depth);
            case BtfKind.Array:
                return Array(type, bytes, depth);
            default:
                return Convert.ToHexStringLower(bytes); // unions and the rest: the raw bytes
        }
    }

    private JsonNode Array(BtfType array, ReadOnlySpan<byte> bytes, int depth)
    {
        var element = _btf.SkipModifiers(array.ArrayElementType);
        int elementSize = (int)(_btf.SizeOf(array.ArrayElementType) ?? 0);
        if (element is { Kind: BtfKind.Int } && elementSize == 1 && (((element.Extra >> 24) & 2) != 0 || element.Name == "char"))
        {
            int end = bytes.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
        }
        if (elementSize == 2 && IsUtf16Typedef(array.ArrayElementType))
        {
            var chars = MemoryMarshal.Cast<byte, char>(bytes);
            int end = chars.IndexOf('\0');
            return new string(end < 0 ? chars : chars[..end]);
        }
        var items = new JsonArray();
        if (elementSize <= 0) return Convert.ToHexStringLower(bytes);
        for (int offset = 0; offset + elementSize <= bytes.Length; offset += elementSize)
            items.Add(Value(array.ArrayElementType, bytes.Slice(offset, elementSize), depth + 1));
        return items;
    }

    private bool IsUtf16Typedef(uint typeId)
    {
        for (int i = 0; i < MaxDepth && _btf.Get(typeId) is { } t; i++)
        {
            if (t.Kind == BtfKind.Typedef && Utf16Names.Contains(t.Name)) return true;
            if (t.Kind is not (BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile)) return false;
            typeId = t.SizeOrType;
        }
        return false;
    }

    private JsonNode? Bitfield(uint typeId, ReadOnlySpan<byte> bytes, uint bitOffset, uint bitSize)
    {
        int first = (int)(bitOffset / 8), last = (int)((bitOffset + bitSize - 1) / 8);
        if (last >= bytes.Length || bitSize > 64) return null;
        ulong raw = 0;
        for (int b = last; b >= first; b--) raw = (raw << 8) | bytes[b];
        raw >>= (int)(bitOffset % 8);
        if (bitSize < 64) raw &= (1UL << (int)bitSize) - 1;
        var type = _btf.SkipModifiers(typeId);
        if (type?.Kind is BtfKind.Enum or BtfKind.Enum64)
            foreach (var e in type.EnumValues)
                if ((ulong)e.Value == raw) return e.Name;
        return raw;
    }

    private static JsonValue Integer(ReadOnlySpan<byte> bytes, bool signed) => bytes.Length switch
    {
        1 => signed ? JsonValue.Create((long)(sbyte)bytes[0]) : JsonValue.Create((ulong)bytes[0]),
        2 => signed ? JsonValue.Create((long)BinaryPrimitives.ReadInt16LittleEndian(bytes)) : JsonValue.Create((ulong)BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
        4 => signed ? JsonValue.Create((long)BinaryPrimitives.ReadInt32LittleEndian(bytes)) : JsonValue.Create((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
        8 => signed ? JsonValue.Create(BinaryPrimitives.ReadInt64LittleEndian(bytes)) : JsonValue.Create(BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
        _ => JsonValue.Create(Convert.ToHexStringLower(bytes)),
    };
}
