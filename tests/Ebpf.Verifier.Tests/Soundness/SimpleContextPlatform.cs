using Ebpf.Platform;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Verifier.Tests.Soundness;

/// <summary>A program type with a plain context of <see cref="Size"/> bytes (no packet), no helpers and no maps.</summary>
internal sealed class SimpleContextPlatform(int size) : IVerifierPlatform
{
    public int Size { get; } = size;
    public string ProgramTypeName => "simple";
    public ContextDescriptor Context => new(Size, -1, -1, -1);
    public int ContextPointerWidth => 8;
    public HelperPrototype? FindHelper(int id) => null;
    public MapDescriptor? FindMap(int reference, bool byIndex) => null;
}
