using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Ebpf.Elf.Tests;

/// <summary>
/// Hostile inputs: corpus objects truncated, bit-flipped, and with section, symbol and relocation fields replaced
/// by bogus values. The loader must answer every case with a model or a <see cref="BpfObjectException"/>: no other
/// exception, no crash, no hang. Seeded (EBPF_FUZZ_SEED overrides); EBPF_LONG_TESTS=1 runs 100 times more cases.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    private static int Cases => Long ? 400_000 : 4_000;

    private static readonly string[] Seeds =
    [
        "build/bpf2bpf.o", "build/global_variable.o", "build/map_in_map.o", "build/map_in_map_legacy.o", "build/twomaps_btf.o",
        "build/tail_call.o", "build/ringbuf_in_map.o", "build/badrelo.o", "build/map_in_map_typedef.o", "build/loop.o",
        "invalid/badsymsize.o", "invalid/662b334a22904023c13f11008e072076a4f4d215", "invalid/af99e766f6ba44fd7f2135c3e325c817224b99a3",
        "invalid/dac31099c3bb5b6395908c82cc8540e77a6a1849",
    ];

    [Fact]
    public async Task MutatedObjectsOnlyEverRaiseBpfObjectException()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("EBPF_FUZZ_SEED"), out var s) ? s : 20261125;
        var random = new Random(seed);
        var originals = Seeds.Select(p => (Name: p, Bytes: File.ReadAllBytes(Path.Combine(CorpusExpectations.Root, p)))).ToArray();
        int opened = 0, refused = 0;
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < Cases; i++)
        {
            var (name, original) = originals[random.Next(originals.Length)];
            var (bytes, what) = Mutate(original, random);
            var watch = Stopwatch.StartNew();
            Exception? error;
            try
            {
                error = await Task.Run(() => Exercise(bytes, name)).WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"seed {seed} case {i} ({name}: {what}) did not finish in 10 s");
                return;
            }
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            if (error is null) opened++;
            else if (error is BpfObjectException) refused++;
            else Assert.Fail($"seed {seed} case {i} ({name}: {what}) raised {error.GetType().Name}: {error}");
        }
        output.WriteLine($"seed {seed}: {Cases} cases, {opened} opened, {refused} refused with BpfObjectException; slowest {slowest.TotalMilliseconds:F1} ms");
        Assert.True(opened > 0 && refused > 0, "mutations should both keep some objects loadable and break others");
    }

    /// <summary>Opens the bytes and walks the whole model; returns the exception raised, or null.</summary>
    private static Exception? Exercise(byte[] bytes, string name)
    {
        try
        {
            var obj = BpfObject.Open(bytes, name);
            foreach (var p in obj.Programs)
            {
                _ = p.SourceLineAt(p.Instructions.Length - 1);
                foreach (var r in p.MapReferences)
                    if (r.MapIndex < 0 || r.MapIndex >= obj.Maps.Length || r.InstructionIndex >= p.Instructions.Length)
                        return new InvalidOperationException($"map reference {r} out of range in {p.Name}");
            }
            _ = obj.Maps.Sum(m => m.InitialData.Length);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static (byte[] Bytes, string What) Mutate(byte[] original, Random random)
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
                var (at, _, _, _) = headers[random.Next(headers.Count)];
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

    private static List<(int At, uint Type, ulong Offset, ulong Size)> SectionHeaders(byte[] bytes)
    {
        var result = new List<(int, uint, ulong, ulong)>();
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
            result.Add(((int)at, BinaryPrimitives.ReadUInt32LittleEndian(h[4..]), offset, size));
        }
        return result;
    }
}
