using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Programs;

namespace Ebpf.Service;

/// <summary>
/// The real event sources that drive some of the daemon's hooks (e.g. the Linux process connector for the process
/// hook); a source runs while a link is attached to its hook. Disposed when the daemon stops.
/// </summary>
public interface ILiveEventSources : IDisposable
{
    /// <summary>Why no real event fires <paramref name="program"/>'s hook here, or null when a source drives it.</summary>
    string? WhyNotLive(EbpfProgram program, IReadOnlyList<HookProvider> hooks);
}
