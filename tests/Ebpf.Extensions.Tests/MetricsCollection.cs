namespace Ebpf.Extensions.Tests;

/// <summary>Tests that listen to the process-wide meters run with no other test in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "metrics";
}
