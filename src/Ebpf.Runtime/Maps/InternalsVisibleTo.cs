using System.Runtime.CompilerServices;

// The map tests exercise HashTable directly with a private EpochManager.
[assembly: InternalsVisibleTo("Ebpf.Runtime.Tests")]
