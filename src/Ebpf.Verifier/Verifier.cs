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
    /// <summary>
    /// Verifies a program given as instruction slots (lddw spans two). Messages show the instruction as the ISA
    /// disassembler prints it unless <see cref="VerifierOptions.Disassembler"/> says otherwise.
    /// </summary>
    public static VerificationResult Verify(ReadOnlySpan<Instruction> program, IVerifierPlatform platform, VerifierOptions? options = null)
    {
        options ??= VerifierOptions.Default;
        if (options.Disassembler is null)
        {
            var slots = program.ToArray();
            options = options with { Disassembler = i => Disassemble(slots, i) };
        }
        return Verify(IrDecoder.Decode(program), platform, options);
    }

    /// <summary>Verifies a program of an eBPF for Windows program type, with the object's maps by index.</summary>
    public static VerificationResult Verify(ReadOnlySpan<Instruction> program, ProgramInformation information,
        IReadOnlyList<MapDescriptor>? maps = null, VerifierOptions? options = null) =>
        Verify(program, new ProgramInformationPlatform(information, maps), options);

    /// <summary>The disassembly of slot <paramref name="index"/>, or null for a slot that does not decode.</summary>
    private static string? Disassemble(Instruction[] slots, int index)
    {
        try
        {
            return Disassembler.Format(slots, index);
        }
        catch (InstructionDecodeException)
        {
            return null;
        }
    }

    public static VerificationResult Verify(IrProgram program, IVerifierPlatform platform, VerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(platform);
        var analyzer = new Analyzer(program, platform, options ?? VerifierOptions.Default);
        return analyzer.Run(null);
    }
}
