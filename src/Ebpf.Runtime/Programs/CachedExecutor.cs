using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Programs;

/// <summary>An executor with the factory and the helper implementations (by called-helper order) it was built from.</summary>
internal sealed record CachedExecutor(Func<EbpfProgram, HelperTable, IProgramExecutor> Factory, HelperFunction[] Helpers,
    IProgramExecutor Executor);
