using System.Collections.Immutable;

namespace Ebpf.Elf.Btf;

/// <summary>
/// One decoded BTF type. <see cref="SizeOrType"/> is the raw union field: a byte size for INT, STRUCT, UNION, ENUM,
/// DATASEC and FLOAT, and a referenced type id for the others. <see cref="Extra"/> holds INT's encoding word, VAR's
/// linkage or DECL_TAG's component index.
/// </summary>
public sealed record BtfType(
    uint Id,
    BtfKind Kind,
    string Name,
    ushort Vlen,
    bool KindFlag,
    uint SizeOrType,
    uint Extra,
    ImmutableArray<BtfMember> Members,
    ImmutableArray<BtfEnumValue> EnumValues,
    uint ArrayElementType = 0,
    uint ArrayIndexType = 0,
    uint ArrayCount = 0)
{
    /// <summary>For STRUCT/UNION with the kind flag: bit offset of member <paramref name="i"/> without its bitfield size.</summary>
    public uint MemberBitOffset(int i) => KindFlag ? Members[i].Offset & 0xFFFFFF : Members[i].Offset;

    /// <summary>FUNC linkage: 0 static, 1 global, 2 extern (stored in vlen).</summary>
    public int FunctionLinkage => Vlen;
}
