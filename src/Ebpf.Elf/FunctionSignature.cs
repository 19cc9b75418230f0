using System.Collections.Immutable;
using Ebpf.Elf.Btf;
using Ebpf.Platform;

namespace Ebpf.Elf;

/// <summary>A function's parameters as its BTF prototype (BTF_KIND_FUNC -> FUNC_PROTO) declares them.</summary>
public sealed record FunctionSignature(ImmutableArray<FunctionParameter> Parameters)
{
    /// <summary>The signature of the BTF function named <paramref name="name"/>, or null when the BTF has none.</summary>
    public static FunctionSignature? FromBtf(BtfTypeTable btf, string name)
    {
        ArgumentNullException.ThrowIfNull(btf);
        var function = btf.FindFunction(name);
        if (function is null || btf.Get(function.SizeOrType) is not { Kind: BtfKind.FunctionPrototype } prototype) return null;
        var parameters = ImmutableArray.CreateBuilder<FunctionParameter>(prototype.Members.Length);
        foreach (var member in prototype.Members)
        {
            var type = btf.SkipModifiers(member.Type);
            parameters.Add(type?.Kind switch
            {
                BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 => new FunctionParameter(member.Name, FunctionParameterKind.Scalar),
                BtfKind.Pointer => new FunctionParameter(member.Name, FunctionParameterKind.Pointer,
                    btf.SkipModifiers(type.SizeOrType)?.Name ?? "", btf.SizeOf(type.SizeOrType) ?? 0),
                _ => new FunctionParameter(member.Name, FunctionParameterKind.Unsupported),
            });
        }
        return new FunctionSignature(parameters.MoveToImmutable());
    }

    /// <summary>
    /// The arguments a global function of this signature receives, as the kernel classes them: a scalar is any number,
    /// a pointer to <paramref name="contextTypeName"/> the context, another pointer possibly-null memory of its
    /// pointee's size (none for void: nothing of it is accessible), and an unsupported type a number (so that any use
    /// as a pointer fails). At most five: BPF passes arguments in r1-r5.
    /// </summary>
    public ImmutableArray<FunctionArgument> ToArguments(string? contextTypeName)
    {
        var arguments = ImmutableArray.CreateBuilder<FunctionArgument>(Math.Min(Parameters.Length, 5));
        foreach (var p in Parameters.Take(5))
        {
            arguments.Add(p.Kind switch
            {
                FunctionParameterKind.Pointer when contextTypeName is not null && p.PointeeName == contextTypeName => FunctionArgument.Context,
                FunctionParameterKind.Pointer => FunctionArgument.Memory((int)Math.Min(p.PointeeSize, int.MaxValue)),
                _ => FunctionArgument.Number,
            });
        }
        return arguments.MoveToImmutable();
    }
}
