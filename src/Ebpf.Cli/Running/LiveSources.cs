using Ebpf.Extensions.Process;
using Ebpf.Extensions.Process.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Programs;
using Ebpf.Service;

namespace Ebpf.Cli.Running;

/// <summary>
/// The hooks that real events drive on this host, each with the source that drives it: today the process hook,
/// through the Linux process connector where it is available. Every other hook fires only from test-run or an
/// embedding application. Sources follow their hook: they run while a link is attached.
/// </summary>
public sealed class LiveSources : ILiveEventSources
{
    private readonly Dictionary<HookProvider, ProcessEventSource> _sources = [];
    private readonly Dictionary<HookProvider, string> _unavailable = [];

    public LiveSources(IEnumerable<IExtension> extensions)
    {
        foreach (var extension in extensions)
        {
            if (extension is not ProcessExtension process) continue;
            if (LinuxProcessConnector.IsAvailable(out string reason))
            {
                var source = new LinuxProcessConnector(process.Hook);
                source.FollowHook();
                _sources[process.Hook] = source;
            }
            else
            {
                _unavailable[process.Hook] = reason;
            }
        }
    }

    public IEnumerable<ProcessEventSource> Sources => _sources.Values;

    /// <summary>The source that drives <paramref name="hook"/>, or null.</summary>
    public ProcessEventSource? SourceOf(HookProvider hook) => _sources.GetValueOrDefault(hook);

    /// <summary>Why <paramref name="program"/> cannot be attached to real events here, or null when it can.</summary>
    public string? WhyNotLive(EbpfProgram program, IReadOnlyList<HookProvider> hooks)
    {
        var hook = hooks.FirstOrDefault(h => h.AttachType == program.ExpectedAttachType && h.ProgramType == program.ProgramType);
        if (hook is null) return $"no loaded extension provides a hook for its attach type ({program.ExpectedAttachType})";
        if (_sources.ContainsKey(hook)) return null;
        if (_unavailable.TryGetValue(hook, out var reason)) return reason;
        return $"the {hook.Name} hook has no live event source on this host (it runs from test-run or an embedding application)";
    }

    public void Dispose()
    {
        foreach (var source in _sources.Values) source.Dispose();
    }
}
