using Ebpf.Runtime.Objects;

namespace Ebpf.Service;

/// <summary>An object the daemon loaded for a client, under the daemon's own id; it lives until unloaded.</summary>
internal sealed record DaemonObject(uint Id, LoadedObject Loaded);
