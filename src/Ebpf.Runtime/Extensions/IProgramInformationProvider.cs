using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// The program-information provider role of an extension: it owns one program type, declares what programs of
/// that type may call (<see cref="Information"/>) and supplies the implementations of its type-specific helpers
/// and of the global helpers it overrides.
/// </summary>
public interface IProgramInformationProvider
{
    /// <summary>Provider name, for messages and events (e.g. "Ebpf.Extensions.Process").</summary>
    string Name { get; }

    ProgramInformation Information { get; }

    /// <summary>
    /// The implementation of a type-specific helper, or of a global helper this type overrides; null when the
    /// provider has none (a global id then falls back to the core implementation).
    /// </summary>
    HelperFunction? FindImplementation(uint helperId);

    /// <summary>Builds contexts for test-run; null when the type cannot be test-run.</summary>
    IProgramContextFactory? ContextFactory { get; }

    /// <summary>
    /// Where the context programs read (the one the verifier checks them against) differs from the one the runtime
    /// builds: program field offset to (offset, load size) in the real context, as the kernel's convert_ctx_access
    /// rewrites (Linux's <c>xdp_md</c> has 32-bit packet pointers, the real context 64-bit ones). Loads are rewritten
    /// after verification (<see cref="Programs.ContextAccessRewriter"/>). Null: programs read the real context.
    /// </summary>
    IReadOnlyDictionary<int, (int Offset, int Size)>? ContextFields => null;

    /// <summary>
    /// The fields of <see cref="ContextFields"/> programs may write (32-bit stores, as the kernel's is_valid_access
    /// allows them: a tc classifier's mark or priority, a socket filter's cb[]); stores elsewhere are refused at load.
    /// </summary>
    IReadOnlySet<int>? WritableContextFields => null;
}
