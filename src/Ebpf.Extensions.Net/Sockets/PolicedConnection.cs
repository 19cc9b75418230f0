using System.Net;
using System.Net.Sockets;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>
/// A connection the policy let through, with its flow id. Disposing it (or the stream from <see cref="GetStream"/>)
/// reports the close to the sock_ops programs (BPF_SOCK_OPS_CONNECTION_DELETED_CB, same flow id) and closes the socket.
/// </summary>
public sealed class PolicedConnection : IDisposable
{
    private readonly SocketPolicy _policy;
    private int _closed;

    internal PolicedConnection(SocketPolicy policy, Socket socket, ulong flowId, IPEndPoint local, IPEndPoint remote, IPEndPoint requested, bool passive)
    {
        _policy = policy;
        Socket = socket;
        FlowId = flowId;
        Local = local;
        Remote = remote;
        RequestedRemote = requested;
        IsPassive = passive;
    }

    public Socket Socket { get; }
    public ulong FlowId { get; }
    public IPEndPoint Local { get; }
    /// <summary>The peer the socket is connected to (after any redirect); for an accepted connection, the client.</summary>
    public IPEndPoint Remote { get; }
    /// <summary>The peer the application asked for: differs from <see cref="Remote"/> when a connect program redirected it.</summary>
    public IPEndPoint RequestedRemote { get; }
    public bool IsPassive { get; }

    /// <summary>A stream that owns the socket; disposing it closes the connection as <see cref="Dispose"/> does.</summary>
    public NetworkStream GetStream() => new PolicedStream(this);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _policy.Notify(SockOpsOperation.ConnectionDeleted, Local, Remote, FlowId);
        Socket.Dispose();
    }

    private sealed class PolicedStream(PolicedConnection connection) : NetworkStream(connection.Socket, ownsSocket: true)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing) connection.Dispose();
        }
    }
}
