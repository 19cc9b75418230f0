using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Signature of a compiled program (closed over its <see cref="JitClosure"/>): the request supplies r1, r2 and the
/// legacy packet; <paramref name="frameTop"/> is r10 of the entry frame (the frames of local calls lie below it).
/// </summary>
internal delegate ulong JitEntry(in ExecutionRequest request, ulong frameTop, ref HelperCallContext context);
