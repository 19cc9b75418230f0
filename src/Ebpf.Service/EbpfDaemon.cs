using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ebpf.Service;

/// <summary>
/// <c>ebpf serve</c>: a host (Microsoft.Extensions.Hosting, with systemd notify support when systemd runs it) whose
/// Kestrel server speaks gRPC over HTTP/2 on a Unix domain socket and serves one <see cref="DaemonState"/>. Each
/// connection's peer credentials are read from the kernel when it is accepted. Stopping it detaches, unloads and
/// unpins everything and removes the socket file.
/// </summary>
public sealed class EbpfDaemon : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private EbpfDaemon(WebApplication app, DaemonState state, DaemonOptions options, AccessRule rule)
    {
        (_app, State, Options, Rule) = (app, state, options, rule);
    }

    public DaemonState State { get; }
    public DaemonOptions Options { get; }
    public AccessRule Rule { get; }
    public string SocketPath => Options.SocketPath;

    /// <summary>Starts listening; returns once the socket accepts connections with its mode and group set.</summary>
    public static async Task<EbpfDaemon> StartAsync(DaemonOptions options, CancellationToken cancellation = default)
    {
        var rule = AccessRule.For(options.Group);
        var mode = options.SocketMode ?? (rule.GroupId is null
            ? UnixFileMode.UserRead | UnixFileMode.UserWrite
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        UnixSocketFile.Prepare(options.SocketPath);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Host.UseSystemd();
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging) builder.Logging.AddConsole();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.ListenUnixSocket(options.SocketPath, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(next => connection =>
                {
                    if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
                    {
                        try { connection.Features.Set(PeerCredentials.Of(socket)); }
                        catch (SocketException) { /* unknown peer: only reads are allowed (AccessRule) */ }
                    }
                    return next(connection);
                });
            });
        });
        var state = new DaemonState(options.Extensions(), options.LiveSources);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(rule);
        // The socket gets its group and mode once Kestrel listens and before the host reports itself started (to
        // systemd: READY=1).
        builder.Services.AddHostedService(_ => new SocketPermissions(options.SocketPath, rule.GroupId, mode));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxRequestBytes;
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<DaemonInterceptor>();
        });
        var app = builder.Build();
        app.MapGrpcService<EbpfDaemonService>();
        try
        {
            await UnixSocketFile.CreatePrivately(() => app.StartAsync(cancellation));
        }
        catch
        {
            await app.DisposeAsync();
            state.Dispose();
            throw;
        }
        return new EbpfDaemon(app, state, options, rule);
    }

    /// <summary>Waits until the host is asked to stop (SIGTERM, Ctrl+C, systemd stop) or <paramref name="cancellation"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellation = default) => _app.WaitForShutdownAsync(cancellation);

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            State.Dispose();
            if (File.Exists(SocketPath)) File.Delete(SocketPath);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
