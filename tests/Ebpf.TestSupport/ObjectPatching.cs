using System.Buffers.Binary;
using System.Text;

namespace Ebpf.TestSupport;

/// <summary>
/// Rewrites one u32 field of a legacy map definition in an object's bytes, as a fuzzer's bit flips do: the map is
/// found by its symbol in the <c>maps</c> section (ELF64 little-endian).
/// </summary>
public static class ObjectPatching
{
    /// <summary>Field indices of the common prefix of every legacy layout.</summary>
    public const int Type = 0, KeySize = 1, ValueSize = 2, MaxEntries = 3;

    public static byte[] PatchLegacyMapField(byte[] original, string mapName, int field, uint value)
    {
        var bytes = (byte[])original.Clone();
        var span = bytes.AsSpan();
        int shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]), shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[62..]);
        Span<byte> Header(int i) => bytes.AsSpan(shoff + i * 64, 64);
        int Offset(int i) => (int)BinaryPrimitives.ReadUInt64LittleEndian(Header(i)[24..]);
        string Name(int table, int at)
        {
            int start = Offset(table) + at;
            return Encoding.ASCII.GetString(bytes, start, Array.IndexOf(bytes, (byte)0, start) - start);
        }
        int maps = Enumerable.Range(0, shnum).Single(i => Name(shstrndx, (int)BinaryPrimitives.ReadUInt32LittleEndian(Header(i))) == "maps");
        int symtab = Enumerable.Range(0, shnum).Single(i => BinaryPrimitives.ReadUInt32LittleEndian(Header(i)[4..]) == 2);
        int strtab = (int)BinaryPrimitives.ReadUInt32LittleEndian(Header(symtab)[40..]);
        int count = (int)BinaryPrimitives.ReadUInt64LittleEndian(Header(symtab)[32..]) / 24;
        for (int s = 0; s < count; s++)
        {
            var symbol = bytes.AsSpan(Offset(symtab) + s * 24, 24);
            if (BinaryPrimitives.ReadUInt16LittleEndian(symbol[6..]) != maps ||
                Name(strtab, (int)BinaryPrimitives.ReadUInt32LittleEndian(symbol)) != mapName) continue;
            int at = Offset(maps) + (int)BinaryPrimitives.ReadUInt64LittleEndian(symbol[8..]) + field * 4;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
            return bytes;
        }
        throw new ArgumentException($"no map '{mapName}' in the maps section", nameof(mapName));
    }

    /// <summary>Writes <paramref name="bytes"/> to a new temporary file named <paramref name="name"/> and returns its path.</summary>
    public static string WriteTemporary(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("ebpf-patched").FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
