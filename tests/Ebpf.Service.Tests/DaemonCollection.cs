namespace Ebpf.Service.Tests;

/// <summary>Daemon tests run one at a time: the leak test counts this process's threads and descriptors.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DaemonCollection
{
    public const string Name = "Daemon";
}
