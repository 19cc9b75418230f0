using System.Collections.Immutable;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Verifier;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Runtime.Extensions;

/// <summary>The runtime's verifier: <see cref="Verifier.Verifier"/> over the program information of the program's type.</summary>
public sealed class AbstractInterpretationVerifier(VerifierOptions? options = null) : IProgramVerifier
{
    public VerifierOptions Options { get; } = options ?? VerifierOptions.Default;

    public ProgramVerificationFailure? Verify(string programName, ImmutableArray<Instruction> instructions,
        ProgramInformation information, IReadOnlyList<MapDefinition> maps,
        IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? globalFunctions = null)
    {
        var descriptors = maps.Select(m => MapDescriptor.FromDefinition(InAbi(m, information.Abi.MapTypes))).ToArray();
        var options = globalFunctions is null ? Options : Options with { GlobalFunctions = globalFunctions };
        var result = Verifier.Verifier.Verify(instructions.AsSpan(), information, descriptors, options);
        if (result.Passed) return null;
        var error = result.Errors.First();
        return new ProgramVerificationFailure(error.Index, error.ToString());
    }

    /// <summary>
    /// A definition an object declared carries its ABI's type number; one made here (eBPF for Windows' numbering)
    /// is renumbered for a program type of another ABI, so the helper/map-type rules read one numbering.
    /// </summary>
    private static MapDefinition InAbi(MapDefinition definition, MapTypeNumbering numbering) =>
        numbering == MapTypeNumbering.Windows || definition.AbiType is not null ? definition : definition with
        {
            AbiType = MapTypeTranslation.ToRaw(definition.Type, numbering),
            InnerMap = definition.InnerMap is { } inner ? InAbi(inner, numbering) : null,
        };
}
