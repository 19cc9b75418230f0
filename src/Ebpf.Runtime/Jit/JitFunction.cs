using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Signature of a called bpf-to-bpf function's method (see <see cref="JitEmitter"/>): r1-r5 in, r0 out, on the frame
/// below <paramref name="frameTop"/> at call depth <paramref name="depth"/>. Only used to have the .NET JIT compile it at load.
/// </summary>
internal delegate ulong JitFunction(JitClosure closure, in ExecutionRequest request, ulong frameTop, ref HelperCallContext context,
    ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, int depth);
