namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>Tests that read or depend on the process-wide trace log run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TraceLogCollection
{
    public const string Name = "trace log";
}
