using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Signature of one region of a program compiled in regions (see <see cref="JitEmitter"/>): runs from the entry
/// numbered <paramref name="entry"/> and returns the entry to continue at, or a negative code (returned, stopped).
/// Only used to have the .NET JIT compile a region at load.
/// </summary>
internal delegate int JitRegion(JitClosure closure, in ExecutionRequest request, ulong frameTop, ref HelperCallContext context,
    ref JitState state, int entry);
