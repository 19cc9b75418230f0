using Ebpf.Verifier.Ir;

namespace Ebpf.Verifier.Analysis;

/// <summary>An edge between blocks; a conditional branch's edges carry the condition assumed along them.</summary>
internal readonly record struct CfgEdge(int Source, int Target, EdgeKind Kind, Condition? Assume);
