using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Verifier.Analysis;
using Ebpf.Verifier.Ir;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier;

/// <summary>
/// Proves eBPF programs safe by abstract interpretation (PREVAIL style): register types, signed and unsigned value
/// ranges with difference bounds between registers and the packet end, byte-level stack contents with typed spill
/// slots, map value null checks, helper prototypes, context and packet bounds, bpf-to-bpf calls and loop bounds.
/// </summary>
public static class Verifier
{
    /// <summary>Verifies a program given as instruction slots (lddw spans two).</summary>
    public static VerificationResult Verify(ReadOnlySpan<Instruction> program, IVerifierPlatform platform, VerifierOptions? options = null) =>
        Verify(IrDecoder.Decode(program), platform, options);

    /// <summary>Verifies a program of an eBPF for Windows program type, with the object's maps by index.</summary>
    public static VerificationResult Verify(ReadOnlySpan<Instruction> program, ProgramInformation information,
        IReadOnlyList<MapDescriptor>? maps = null, VerifierOptions? options = null) =>
        Verify(IrDecoder.Decode(program), new ProgramInformationPlatform(information, maps), options);

    public static VerificationResult Verify(IrProgram program, IVerifierPlatform platform, VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(platform);
        var analyzer = new Analyzer(program, platform, options ?? VerifierOptions.Default);
        return analyzer.Run(null);
    }
}
