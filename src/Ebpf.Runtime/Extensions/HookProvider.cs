using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Extensions;

/// <summary>
/// The hook provider role of an extension: one attach type, for programs of one program type. The extension's
/// event source calls <see cref="Invoke"/> (or walks <see cref="AttachedLinks"/> itself) and applies the verdict
/// rules of its hook. Attaching and detaching never block an invocation: readers see an immutable snapshot.
/// </summary>
public abstract class HookProvider
{
    private Link[] _links = [];
    private readonly Lock _gate = new();

    protected HookProvider(string name, Guid attachType, Guid programType)
    {
        Name = name;
        AttachType = attachType;
        ProgramType = programType;
    }

    public string Name { get; }
    public Guid AttachType { get; }
    public Guid ProgramType { get; }

    /// <summary>Links served by this provider, in attach order.</summary>
    public ReadOnlySpan<Link> AttachedLinks => Volatile.Read(ref _links);

    public int AttachedCount => Volatile.Read(ref _links).Length;

    /// <summary>Checks a link's attach parameters; throw <see cref="ArgumentException"/> to refuse the attach.</summary>
    protected virtual void ValidateAttachParameters(ReadOnlySpan<byte> parameters) { }

    /// <summary>Called after the first link binds (e.g. subscribe to the operating-system event).</summary>
    protected virtual void OnFirstLinkAttached() { }

    /// <summary>Called after the last link leaves (e.g. unsubscribe).</summary>
    protected virtual void OnLastLinkDetached() { }

    /// <summary>
    /// Runs every attached program on <paramref name="context"/> in attach order until <paramref name="verdict"/>
    /// returns false; returns how many programs ran. Programs whose extension is unavailable are skipped.
    /// </summary>
    protected unsafe int Invoke(void* context, Func<Link, ulong, bool>? verdict = null)
    {
        var rule = new DelegateRule(verdict);
        return Invoke(context, ref rule);
    }

    /// <summary>
    /// <see cref="Invoke(void*, Func{Link, ulong, bool}?)"/> with the verdict rule as a struct: a hook on a hot path
    /// (a connect, a packet) keeps its verdict state in the rule instead of a closure, and allocates nothing.
    /// </summary>
    protected unsafe int Invoke<TRule>(void* context, ref TRule rule) where TRule : struct, IHookVerdictRule
    {
        int ran = 0;
        foreach (var link in AttachedLinks)
        {
            var result = link.Program.Invoke(context);
            if (result.Result != Maps.EbpfResult.Success) continue;
            ran++;
            if (!rule.Continue(link, result.ReturnValue)) break;
        }
        return ran;
    }

    private readonly struct DelegateRule(Func<Link, ulong, bool>? verdict) : IHookVerdictRule
    {
        public bool Continue(Link link, ulong returnValue) => verdict is null || verdict(link, returnValue);
    }

    internal void Bind(Link link)
    {
        ValidateAttachParameters(link.Parameters.Span);
        bool first;
        lock (_gate)
        {
            if (Array.IndexOf(_links, link) >= 0) return;
            first = _links.Length == 0;
            Volatile.Write(ref _links, [.. _links, link]);
            link.SetProvider(this);
        }
        if (first) OnFirstLinkAttached();
    }

    internal void Unbind(Link link)
    {
        bool last;
        lock (_gate)
        {
            int index = Array.IndexOf(_links, link);
            if (index < 0) return;
            var next = new Link[_links.Length - 1];
            Array.Copy(_links, 0, next, 0, index);
            Array.Copy(_links, index + 1, next, index, _links.Length - index - 1);
            Volatile.Write(ref _links, next);
            link.SetProvider(null);
            last = next.Length == 0;
        }
        if (last) OnLastLinkDetached();
    }

    /// <summary>Drops every link (the provider is leaving); the links stay attached and re-bind on return.</summary>
    internal Link[] UnbindAll()
    {
        Link[] old;
        lock (_gate)
        {
            old = _links;
            Volatile.Write(ref _links, []);
            foreach (var link in old) link.SetProvider(null);
        }
        if (old.Length > 0) OnLastLinkDetached();
        return old;
    }

    public override string ToString() => $"{Name} (attach {AttachType})";
}
