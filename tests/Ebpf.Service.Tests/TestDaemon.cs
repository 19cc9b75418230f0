using System.Runtime.InteropServices;
using Ebpf.Cli.Commands.Daemon;

namespace Ebpf.Service.Tests;

/// <summary>
/// <c>ebpf serve</c> in this process, as the command makes it (every extension, the live sources), listening on a
/// socket in a fresh folder under /tmp (mode 0755, so other users can reach the socket when its own mode lets them).
/// Run by a user other than root, the daemon's group is that user's group unless <c>selfMayChange</c> is false, so
/// the tests' own clients may still load and attach.
/// </summary>
internal sealed class TestDaemon : IAsyncDisposable
{
    private readonly string _directory;

    private TestDaemon(string directory, EbpfDaemon daemon) => (_directory, Daemon) = (directory, daemon);

    public EbpfDaemon Daemon { get; }
    public string Socket => Daemon.SocketPath;

    public static async Task<TestDaemon> StartAsync(string? group = null, UnixFileMode? mode = null, bool selfMayChange = true)
    {
        if (group is null && selfMayChange && !Environment.IsPrivilegedProcess) group = GetEffectiveGroupId().ToString();
        var directory = Path.Combine("/tmp", "ebpf-daemon-" + Guid.NewGuid().ToString("N")[..12]);
        var daemon = await EbpfDaemon.StartAsync(ServeCommand.Options(Path.Combine(directory, "ebpf.sock"), group, mode));
        return new TestDaemon(directory, daemon);
    }

    public DaemonClient Client() => new(Socket);

    public async ValueTask DisposeAsync()
    {
        await Daemon.StopAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [DllImport("libc", EntryPoint = "getegid")]
    private static extern uint GetEffectiveGroupId();
}
