using Ebpf.Runtime.Extensions;

namespace Ebpf.Service;

/// <summary>How <see cref="EbpfDaemon"/> listens and what its execution context holds.</summary>
public sealed class DaemonOptions
{
    public const string DefaultSocketPath = "/run/ebpf/ebpf.sock";

    /// <summary>The Unix domain socket the daemon listens on.</summary>
    public string SocketPath { get; init; } = DefaultSocketPath;

    /// <summary>
    /// A group (name or number) whose members may change the daemon's state like root; the socket is then owned by
    /// it and has mode 0660. Null: only root may change state, and the socket has mode 0600.
    /// </summary>
    public string? Group { get; init; }

    /// <summary>The socket's mode, when not the default above (e.g. 0666 to let every local user read).</summary>
    public UnixFileMode? SocketMode { get; init; }

    /// <summary>The extensions the execution context loads (called once, at start).</summary>
    public required Func<IReadOnlyList<IExtension>> Extensions { get; init; }

    /// <summary>The live sources for those extensions' hooks (called once, at start); none when null.</summary>
    public Func<IReadOnlyList<IExtension>, ILiveEventSources>? LiveSources { get; init; }

    /// <summary>Log to the console (as a service does); tests leave it off.</summary>
    public bool ConsoleLogging { get; init; }

    /// <summary>Largest request (an object file's bytes) accepted.</summary>
    public int MaxRequestBytes { get; init; } = 64 * 1024 * 1024;
}
