using System.Net.Sockets;
using Ebpf.Service.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ebpf.Service;

/// <summary>
/// A client of <c>ebpf serve</c>: a gRPC channel whose HTTP/2 connection is a Unix domain socket. Calls that find no
/// daemon throw <see cref="DaemonUnavailableException"/> saying why (see <see cref="Call{T}"/>).
/// </summary>
public sealed class DaemonClient : IDisposable
{
    private readonly GrpcChannel _channel;

    public DaemonClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellation) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _channel = GrpcChannel.ForAddress("http://ebpf-daemon", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
        Daemon = new Protocol.EbpfDaemon.EbpfDaemonClient(_channel);
    }

    public string SocketPath { get; }

    /// <summary>The generated client; prefer <see cref="Call{T}"/>, which explains an absent daemon.</summary>
    public Protocol.EbpfDaemon.EbpfDaemonClient Daemon { get; }

    /// <summary>
    /// Runs <paramref name="call"/>; a daemon that cannot be reached becomes a <see cref="DaemonUnavailableException"/>
    /// naming the socket and the reason. The daemon's refusals stay <see cref="RpcException"/>s.
    /// </summary>
    public T Call<T>(Func<Protocol.EbpfDaemon.EbpfDaemonClient, T> call)
    {
        if (!File.Exists(SocketPath))
            throw new DaemonUnavailableException($"no ebpf daemon runs on {SocketPath}: the socket does not exist (start one with `ebpf serve`, or name its socket with --socket)");
        try
        {
            return call(Daemon);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && FindSocketError(e) is { } error)
        {
            throw new DaemonUnavailableException(error switch
            {
                SocketError.ConnectionRefused => $"no ebpf daemon runs on {SocketPath}: connection refused (a socket left by a daemon that stopped)",
                SocketError.AccessDenied => $"cannot connect to the ebpf daemon on {SocketPath}: permission denied (the socket's mode lets only root or the daemon's group connect)",
                _ => $"cannot connect to the ebpf daemon on {SocketPath}: {error}",
            }, e);
        }
    }

    private static SocketError? FindSocketError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket) return socket.SocketErrorCode;
        return null;
    }

    public void Dispose() => _channel.Dispose();
}
