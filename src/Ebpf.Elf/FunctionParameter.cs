namespace Ebpf.Elf;

/// <summary>
/// One parameter of a function's BTF prototype. For a pointer, <see cref="PointeeName"/> is the name of the type it
/// points to once typedefs and qualifiers are skipped ("xdp_md", "" for void), and <see cref="PointeeSize"/> its
/// byte size (0 when it has none, as for void).
/// </summary>
public readonly record struct FunctionParameter(string Name, FunctionParameterKind Kind, string PointeeName = "", ulong PointeeSize = 0);
