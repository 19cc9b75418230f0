using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Signature of a compiled program (closed over its <see cref="JitClosure"/>): the request supplies r1, r2 and the
/// legacy packet; <paramref name="frameTop"/> is r10 of the entry frame (the frames of local calls lie below it).
/// <paramref name="context"/> may be a null reference for an unchecked program that calls no helper (or callx) and
/// references no map: the code must not touch it then (see <see cref="JitExecutor.RunInCallerFrame"/>).
/// </summary>
internal delegate ulong JitEntry(in ExecutionRequest request, ulong frameTop, ref HelperCallContext context);
