using Microsoft.Extensions.Hosting;

namespace Ebpf.Service;

/// <summary>
/// Gives the daemon's socket its group and mode after every hosted service started (Kestrel listens by then) and
/// before the host announces that it started, so nobody is told the daemon is ready while its socket is not.
/// </summary>
internal sealed class SocketPermissions(string path, uint? groupId, UnixFileMode mode) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        UnixSocketFile.Secure(path, groupId, mode);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
