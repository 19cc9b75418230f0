namespace Ebpf.Runtime.Tests.Jit;

/// <summary>Tests that listen to the runtime's JIT events run one at a time (each listener sees every compilation).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JitEventsCollection
{
    public const string Name = "JIT events";
}
