namespace Ebpf.Cli.Tests;

/// <summary>Tests that swap Console.In/Out/Error must not run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
