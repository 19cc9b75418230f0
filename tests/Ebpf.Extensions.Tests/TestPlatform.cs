using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Programs;

namespace Ebpf.Extensions.Tests;

/// <summary>A registry with no core helpers and unverified loads: these tests exercise binding, not safety.</summary>
internal static class TestPlatform
{
    public static ExtensionRegistry NewRegistry() => new(_ => null);

    public static EbpfProgram Load(ExtensionRegistry registry, string name, Guid programType, string asm, Guid? attachType = null) =>
        registry.LoadProgram(new ProgramLoadRequest(name, name, programType, [.. Assembler.Assemble(asm)])
        {
            Unverified = true,
            ExpectedAttachType = attachType,
        });

    public static ImmutableArray<Instruction> Code(string asm) => [.. Assembler.Assemble(asm)];
}
