namespace Ebpf.Runtime.Native;

/// <summary>A helper a module's program calls: its id and the name its prototype had at compile time.</summary>
internal sealed record NativeHelperEntry(uint Id, string Name);
