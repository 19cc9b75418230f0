using System.Buffers.Binary;

namespace Ebpf.TestSupport;

/// <summary>
/// Hostile variants of an object file, as a fuzzer makes them: <see cref="Mutate"/> anywhere in the file (truncation,
/// bit flips, bogus section, symbol and relocation fields, random runs), <see cref="MutateCode"/> in the bytes of
/// executable sections only (so the ELF structure holds and the verifier sees the damage).
/// </summary>
public static class ObjectMutator
{
    public static (byte[] Bytes, string What) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var headers = SectionHeaders(bytes);
        switch (random.Next(7))
        {
            case 0:
            {
                int length = random.Next(bytes.Length);
                return (bytes[..length], $"truncated to {length}");
            }
            case 1:
            {
                int flips = 1 + random.Next(8);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            }
            case 2 when headers.Count > 0:
            {
                // A section header field: name, type, flags, offset, size, link, info or entsize.
                var (at, _, _, _, _) = headers[random.Next(headers.Count)];
                int[] fields = [0, 4, 8, 24, 32, 40, 44, 56];
                int field = fields[random.Next(fields.Length)];
                WriteBogus(bytes, at + field, field is 8 or 24 or 32 or 56 ? 8 : 4, random);
                return (bytes, $"section header field +{field} at 0x{at:x}");
            }
            case 3 when headers.Any(h => h.Type == 2):
            {
                // A symbol field: name, info, shndx, value or size.
                var symtab = headers.First(h => h.Type == 2);
                int count = (int)(symtab.Size / 24);
                if (count == 0) goto default;
                int at = (int)symtab.Offset + random.Next(count) * 24;
                int[] fields = [0, 4, 6, 8, 16];
                int field = fields[random.Next(fields.Length)];
                WriteBogus(bytes, at + field, field switch { 4 => 1, 6 => 2, 8 or 16 => 8, _ => 4 }, random);
                return (bytes, $"symbol field +{field} at 0x{at:x}");
            }
            case 4 when headers.Any(h => h.Type == 9):
            {
                // A relocation: offset, type or symbol index.
                var rels = headers.Where(h => h.Type == 9).ToList();
                var rel = rels[random.Next(rels.Count)];
                int count = (int)(rel.Size / 16);
                if (count == 0) goto default;
                int at = (int)rel.Offset + random.Next(count) * 16;
                int field = new[] { 0, 8, 12 }[random.Next(3)];
                WriteBogus(bytes, at + field, field == 0 ? 8 : 4, random);
                return (bytes, $"relocation field +{field} at 0x{at:x}");
            }
            case 5:
            {
                // A run of random bytes somewhere (BTF, maps, code...).
                int at = random.Next(bytes.Length);
                int length = Math.Min(1 + random.Next(32), bytes.Length - at);
                random.NextBytes(bytes.AsSpan(at, length));
                return (bytes, $"{length} random bytes at 0x{at:x}");
            }
            default:
            {
                int at = random.Next(Math.Max(1, bytes.Length - 4));
                WriteBogus(bytes, at, Math.Min(4, bytes.Length - at), random);
                return (bytes, $"bogus word at 0x{at:x}");
            }
        }
    }

    private static readonly ulong[] Boundaries = [0, 1, 7, 8, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000];

    private static void WriteBogus(byte[] bytes, int at, int width, Random random)
    {
        if (at < 0 || at + width > bytes.Length) return;
        ulong value = random.Next(3) == 0 ? (ulong)random.NextInt64() : Boundaries[random.Next(Boundaries.Length)];
        if (random.Next(4) == 0) value = (ulong)random.Next(64);
        for (int k = 0; k < width; k++) bytes[at + k] = (byte)(value >> (8 * k));
    }

    private static List<(int At, uint Type, ulong Offset, ulong Size, ulong Flags)> SectionHeaders(byte[] bytes)
    {
        var result = new List<(int, uint, ulong, ulong, ulong)>();
        if (bytes.Length < 64) return result;
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(60));
        for (int i = 0; i < shnum; i++)
        {
            ulong at = shoff + (ulong)i * 64;
            if (at + 64 > (ulong)bytes.Length) break;
            var h = bytes.AsSpan((int)at, 64);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]), size = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]);
            if (offset + size > (ulong)bytes.Length) continue;
            result.Add(((int)at, BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), offset, size, BinaryPrimitives.ReadUInt64LittleEndian(h[8..])));
        }
        return result;
    }

    /// <summary>Flips bits or writes a bogus field inside one instruction of an executable section; the original when it has none.</summary>
    public static (byte[] Bytes, string What) MutateCode(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var code = SectionHeaders(bytes).Where(h => (h.Flags & 4) != 0 && h.Type == 1 && h.Size >= 8).ToList(); // SHF_EXECINSTR, PROGBITS
        if (code.Count == 0) return (bytes, "no code");
        var (_, _, offset, size, _) = code[random.Next(code.Count)];
        int at = (int)offset + random.Next((int)(size / 8)) * 8;
        switch (random.Next(4))
        {
            case 0:
            {
                int flips = 1 + random.Next(3);
                for (int k = 0; k < flips; k++) bytes[at + random.Next(8)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips in the instruction at 0x{at:x}");
            }
            case 1:
                bytes[at] = (byte)random.Next(256);
                return (bytes, $"opcode of the instruction at 0x{at:x}");
            case 2:
                bytes[at + 1] = (byte)random.Next(256);
                return (bytes, $"registers of the instruction at 0x{at:x}");
            default:
            {
                bool offsetField = random.Next(2) == 0;
                WriteBogus(bytes, at + (offsetField ? 2 : 4), offsetField ? 2 : 4, random);
                return (bytes, $"{(offsetField ? "offset" : "immediate")} of the instruction at 0x{at:x}");
            }
        }
    }
}
