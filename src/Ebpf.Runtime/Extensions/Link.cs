using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// A program attached to a hook. The link outlives its hook provider: while the provider is away the link stays
/// <see cref="LinkState.Attached"/> but nothing fires; when a provider of the same attach type returns it is re-bound.
/// </summary>
public sealed class Link
{
    private static uint s_nextId;
    private volatile HookProvider? _provider;
    private int _state;

    internal Link(EbpfProgram program, Guid attachType, ReadOnlyMemory<byte> parameters)
    {
        Id = Interlocked.Increment(ref s_nextId);
        Program = program;
        AttachType = attachType;
        Parameters = parameters;
    }

    public uint Id { get; }
    public EbpfProgram Program { get; }
    public Guid AttachType { get; }

    /// <summary>Attach parameters, interpreted by the hook (e.g. an interface index, a capture type).</summary>
    public ReadOnlyMemory<byte> Parameters { get; }

    public LinkState State => (LinkState)Volatile.Read(ref _state);

    /// <summary>The hook provider currently serving this link; null while it is away.</summary>
    public HookProvider? Provider => _provider;

    public bool IsProviderAttached => _provider is not null;

    internal bool TryMove(LinkState from, LinkState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    internal void SetState(LinkState state) => Volatile.Write(ref _state, (int)state);

    internal void SetProvider(HookProvider? provider) => _provider = provider;

    public override string ToString() => $"link {Id}: {Program.Name} -> {AttachType} ({State})";
}
