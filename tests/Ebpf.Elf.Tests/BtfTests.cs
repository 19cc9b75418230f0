using Ebpf.Platform;
using System.Globalization;
using System.Text.RegularExpressions;
using Ebpf.Elf.Btf;

namespace Ebpf.Elf.Tests;

/// <summary>The decoded .BTF against <c>bpftool btf dump file</c>: every type's id, kind, name, size/type and members.</summary>
public sealed partial class BtfTests
{
    private static readonly Dictionary<BtfKind, string> BpftoolNames = new()
    {
        [BtfKind.Int] = "INT", [BtfKind.Pointer] = "PTR", [BtfKind.Array] = "ARRAY", [BtfKind.Struct] = "STRUCT",
        [BtfKind.Union] = "UNION", [BtfKind.Enum] = "ENUM", [BtfKind.Forward] = "FWD", [BtfKind.Typedef] = "TYPEDEF",
        [BtfKind.Volatile] = "VOLATILE", [BtfKind.Const] = "CONST", [BtfKind.Restrict] = "RESTRICT", [BtfKind.Function] = "FUNC",
        [BtfKind.FunctionPrototype] = "FUNC_PROTO", [BtfKind.Variable] = "VAR", [BtfKind.DataSection] = "DATASEC",
        [BtfKind.Float] = "FLOAT", [BtfKind.DeclarationTag] = "DECL_TAG", [BtfKind.TypeTag] = "TYPE_TAG", [BtfKind.Enum64] = "ENUM64",
    };

    [GeneratedRegex(@"^\[(\d+)\] (\S+) '([^']*)'(.*)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"\b(type_id|size|nr_elems|val|offset|bits_offset|ret_type_id|component_idx)=(-?\d+)")]
    private static partial Regex Field();

    public static TheoryData<string> Objects => ["sample:btf_kinds.o", "sample:map_in_map.o", "sample:global_data.o",
        "corpus:cilium-core/bpf_sock.o", "corpus:build/map_in_map_typedef.o"];

    [Theory]
    [MemberData(nameof(Objects))]
    public void EveryTypeMatchesBpftool(string which)
    {
        var path = which.StartsWith("sample:", StringComparison.Ordinal)
            ? LlvmTools.Sample(which["sample:".Length..]) : Path.Combine(CorpusExpectations.Root, which["corpus:".Length..]);
        var btf = BpfObject.Open(path, new BpfObjectOpenOptions { MapTypeNumbering = MapTypeNumbering.Linux }).Btf!;
        var dump = LlvmTools.Run("bpftool", $"btf dump file \"{path}\"").Split('\n');
        int count = 0;
        for (int i = 0; i < dump.Length; i++)
        {
            var m = TypeLine().Match(dump[i]);
            if (!m.Success) continue;
            var type = btf.Get(uint.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))!;
            Assert.Equal(m.Groups[2].Value, BpftoolNames[type.Kind]);
            Assert.Equal(m.Groups[3].Value, type.Name.Length == 0 ? "(anon)" : type.Name);
            var fields = Fields(m.Groups[4].Value);
            if (fields.TryGetValue("type_id", out var t) && type.Kind != BtfKind.Array) Assert.Equal(t, (long)type.SizeOrType);
            if (fields.TryGetValue("ret_type_id", out var r)) Assert.Equal(r, (long)type.SizeOrType);
            if (fields.TryGetValue("size", out var s)) Assert.Equal(s, (long)type.SizeOrType);
            if (fields.TryGetValue("nr_elems", out var n)) Assert.Equal((n, t), ((long)type.ArrayCount, (long)type.ArrayElementType));
            if (fields.TryGetValue("component_idx", out var c)) Assert.Equal(c, (int)type.Extra);

            // Member lines follow, indented by a tab.
            var members = dump.Skip(i + 1).TakeWhile(l => l.StartsWith('\t')).ToList();
            int expectedMembers = type.Kind is BtfKind.Enum or BtfKind.Enum64 ? type.EnumValues.Length : type.Members.Length;
            Assert.Equal(members.Count, expectedMembers);
            for (int k = 0; k < members.Count; k++)
            {
                var f = Fields(members[k]);
                switch (type.Kind)
                {
                    case BtfKind.Struct or BtfKind.Union:
                        Assert.Equal((f["type_id"], f["bits_offset"]), ((long)type.Members[k].Type, (long)type.MemberBitOffset(k)));
                        break;
                    case BtfKind.FunctionPrototype:
                        Assert.Equal(f["type_id"], (long)type.Members[k].Type);
                        break;
                    case BtfKind.DataSection:
                        Assert.Equal((f["type_id"], f["offset"], f["size"]), ((long)type.Members[k].Type, (long)type.Members[k].Offset, (long)type.Members[k].Size));
                        break;
                    case BtfKind.Enum or BtfKind.Enum64:
                        var val = Regex.Match(members[k], @"val=(-?\d+)").Groups[1].Value;
                        Assert.Equal(val, type.KindFlag || type.EnumValues[k].Value >= 0
                            ? type.EnumValues[k].Value.ToString(CultureInfo.InvariantCulture)
                            : ((ulong)type.EnumValues[k].Value).ToString(CultureInfo.InvariantCulture));
                        break;
                }
            }
            count++;
        }
        Assert.Equal(btf.Types.Length - 1, count);
    }

    [Fact]
    public void TheKindsSampleHasEveryNewerKind()
    {
        var btf = BpfObject.Open(LlvmTools.Sample("btf_kinds.o")).Btf!;
        var kinds = btf.Types.Select(t => t.Kind).ToHashSet();
        Assert.Subset(kinds, new HashSet<BtfKind> { BtfKind.DeclarationTag, BtfKind.TypeTag, BtfKind.Enum64, BtfKind.Union, BtfKind.Forward,
            BtfKind.Restrict, BtfKind.Function, BtfKind.FunctionPrototype, BtfKind.Variable, BtfKind.DataSection });
        var wide = btf.Types.Single(t => t.Kind == BtfKind.Enum64);
        Assert.Equal(0x100000000L, wide.EnumValues.Single(v => v.Name == "WIDE_LARGE").Value);
        Assert.Equal(8UL, btf.SizeOf(wide.Id));
        var tag = btf.Types.Single(t => t.Kind == BtfKind.DeclarationTag && t.Name == "counter-field");
        Assert.Equal(0u, tag.Extra);
        Assert.Contains(btf.Types, t => t.Kind == BtfKind.Struct && t.Name == "flags" && t.KindFlag);
    }

    private static Dictionary<string, long> Fields(string text)
    {
        var result = new Dictionary<string, long>();
        foreach (Match f in Field().Matches(text)) result.TryAdd(f.Groups[1].Value, long.Parse(f.Groups[2].Value, CultureInfo.InvariantCulture));
        return result;
    }
}
