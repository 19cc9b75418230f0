using System.Collections.Immutable;
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
        var descriptors = maps.Select(MapDescriptor.FromDefinition).ToArray();
        var options = globalFunctions is null ? Options : Options with { GlobalFunctions = globalFunctions };
        var result = Verifier.Verifier.Verify(instructions.AsSpan(), information, descriptors, options);
        if (result.Passed) return null;
        var error = result.Errors.First();
        return new ProgramVerificationFailure(error.Index, error.ToString());
    }
}
