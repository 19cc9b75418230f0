using System.Net;
using System.Net.Sockets;
using System.Text;
using Ebpf.Runtime.Helpers;

namespace Ebpf.Extensions.Net.Sockets;

/// <summary>
/// Enforces the network extension's attached programs on this application's own sockets: <c>cgroup/connect4|6</c>
/// before a connect (reject fails it, a rewritten destination redirects it), <c>cgroup/recv_accept4|6</c> on each
/// accepted connection (a rejected one is reset before the application sees it), <c>bind</c> around
/// <see cref="Socket.Bind"/> (bind, post-bind, unbind on close) and <c>sockops</c> notifications for established
/// (active and passive) and closed connections, each connection with one flow id. A hook with no attached program
/// costs one length check. Attach, detach or replace programs at any time: every call reads the current links.
/// </summary>
public sealed class SocketPolicy
{
    private readonly SockAddrHook _connect4, _connect6, _accept4, _accept6;
    private long _lastFlowId;

    public SocketPolicy(NetExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        Extension = extension;
        _connect4 = extension.SockAddr("cgroup/connect4");
        _connect6 = extension.SockAddr("cgroup/connect6");
        _accept4 = extension.SockAddr("cgroup/recv_accept4");
        _accept6 = extension.SockAddr("cgroup/recv_accept6");
    }

    public NetExtension Extension { get; }

    /// <summary>The application id bind programs see (app_id_start..end): the process image path in UTF-16LE, as upstream's.</summary>
    public byte[] ApplicationId { get; init; } = Encoding.Unicode.GetBytes(Environment.ProcessPath ?? "");

    /// <summary>Raised for every connection a program rejected (connect, accept or bind), after it was refused or reset.</summary>
    public event Action<PolicyRejection>? Rejected;

    /// <summary>
    /// Runs the connect programs for <paramref name="remote"/> and, unless one rejects, connects
    /// <paramref name="socket"/> to the destination the programs left (a redirect when they rewrote it). A
    /// <see cref="DnsEndPoint"/> is resolved first and each address is checked; rejected ones are not tried.
    /// Throws <see cref="SocketException"/> (connection refused, the program's name in the message) when every
    /// address is rejected.
    /// </summary>
    public async ValueTask<PolicedConnection> ConnectAsync(Socket socket, EndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var candidates = await Candidates(remote, socket.AddressFamily, cancellationToken).ConfigureAwait(false);
        SocketException? failure = null;
        foreach (var candidate in candidates)
        {
            var destination = AuthorizeConnect(socket.LocalEndPoint as IPEndPoint, candidate, out failure);
            if (destination is null) continue;
            await socket.ConnectAsync(destination, cancellationToken).ConfigureAwait(false);
            return Established(socket, candidate, SockOpsOperation.ActiveEstablished);
        }
        throw failure ?? new SocketException((int)SocketError.HostNotFound, $"{remote}: no address to connect to");
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of <see cref="SocketPolicyExtensions.UseEbpfPolicy"/>:
    /// a fresh socket per address (a failed connect leaves a socket unusable), Nagle off as the default callback does.
    /// </summary>
    public async ValueTask<Stream> ConnectForHttpAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var candidates = await Candidates(context.DnsEndPoint, AddressFamily.Unspecified, cancellationToken).ConfigureAwait(false);
        SocketException? rejected = null, failed = null;
        foreach (var candidate in candidates)
        {
            var destination = AuthorizeConnect(null, candidate, out var rejection);
            if (destination is null) { rejected = rejection; continue; }
            var socket = new Socket(destination.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(destination, cancellationToken).ConfigureAwait(false);
                return Established(socket, candidate, SockOpsOperation.ActiveEstablished).GetStream();
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failed = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        // A program's refusal says more than a later address's failure.
        throw rejected ?? failed ?? new SocketException((int)SocketError.HostNotFound, $"{context.DnsEndPoint}: no address to connect to");
    }

    /// <summary>
    /// Accepts the next connection whose <c>cgroup/recv_accept4|6</c> programs do not reject it; rejected ones are
    /// reset (RST) and never returned.
    /// </summary>
    public async ValueTask<PolicedConnection> AcceptAsync(Socket listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        while (true)
        {
            var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            if (AuthorizeAccept(local, remote))
                return Established(socket, remote, SockOpsOperation.PassiveEstablished);
            Reset(socket);
        }
    }

    /// <summary>
    /// Runs the <c>cgroup/recv_accept4|6</c> programs for a connection from <paramref name="remote"/> to
    /// <paramref name="local"/>; false when one rejected it (the caller closes it). Used by server integrations.
    /// </summary>
    public bool AuthorizeAccept(IPEndPoint local, IPEndPoint remote)
    {
        local = Unmapped(local);
        remote = Unmapped(remote);
        var hook = remote.AddressFamily == AddressFamily.InterNetworkV6 ? _accept6 : _accept4;
        if (hook.AttachedCount == 0) return true;
        var result = hook.Invoke(Event(local, remote));
        if (result.Verdict != SockAddrVerdict.Reject) return true;
        Rejected?.Invoke(new PolicyRejection(hook.Section, result.DecidedBy, local, remote));
        return false;
    }

    /// <summary>
    /// Binds <paramref name="socket"/> as the <c>bind</c> programs decide: deny throws <see cref="SocketException"/>
    /// (access denied, the program's name in the message), redirect binds the address the program wrote. After the
    /// bind the programs see the allocated address (post-bind; a deny there closes the socket and throws), and
    /// disposing the returned <see cref="PolicedBinding"/> reports the unbind and closes the socket.
    /// </summary>
    public PolicedBinding Bind(Socket socket, IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(local);
        var hook = Extension.Bind;
        var target = local;
        if (hook.AttachedCount > 0)
        {
            var result = hook.Invoke(BindRequestFor(socket, local, BindOperation.Bind));
            if (result.Verdict == BindVerdict.Deny) throw Denied(socket, local, result, BindOperation.Bind);
            if (result.Verdict == BindVerdict.Redirect) target = BindSocketAddress.Read(result.SocketAddress);
        }
        socket.Bind(target);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        if (hook.AttachedCount > 0)
        {
            var post = hook.Invoke(BindRequestFor(socket, bound, BindOperation.PostBind));
            if (post.Verdict == BindVerdict.Deny)
            {
                socket.Dispose();
                throw Denied(socket, bound, post, BindOperation.PostBind);
            }
        }
        return new PolicedBinding(this, socket, bound);
    }

    internal void Unbind(Socket socket, IPEndPoint bound)
    {
        if (Extension.Bind.AttachedCount > 0) Extension.Bind.Invoke(BindRequestFor(socket, bound, BindOperation.Unbind));
    }

    /// <summary>Reports an established connection (its real endpoints) to the sock_ops programs and gives it a flow id.</summary>
    /// <param name="requested">The peer the application asked for (a redirect may have connected elsewhere).</param>
    public PolicedConnection Established(Socket socket, IPEndPoint requested, SockOpsOperation operation)
    {
        var connection = new PolicedConnection(this, socket, NextFlowId(), Unmapped((IPEndPoint)socket.LocalEndPoint!),
            Unmapped((IPEndPoint)socket.RemoteEndPoint!), Unmapped(requested), operation == SockOpsOperation.PassiveEstablished);
        Notify(operation, connection.Local, connection.Remote, connection.FlowId);
        return connection;
    }

    /// <summary>A new flow id (unique in this process, never 0), as WFP gives each flow one.</summary>
    public ulong NextFlowId() => (ulong)Interlocked.Increment(ref _lastFlowId);

    /// <summary>Runs the sock_ops programs for one event of the flow <paramref name="flowId"/>.</summary>
    public void Notify(SockOpsOperation operation, IPEndPoint local, IPEndPoint remote, ulong flowId)
    {
        if (Extension.SockOps.AttachedCount == 0) return;
        Extension.SockOps.Notify(new SockOpsEvent(operation, Unmapped(local), Unmapped(remote))
        {
            FlowId = flowId,
            ProcessId = (ulong)Environment.ProcessId,
            ThreadId = HostIdentity.CurrentThreadId,
        });
    }

    private IPEndPoint? AuthorizeConnect(IPEndPoint? local, IPEndPoint remote, out SocketException? rejection)
    {
        rejection = null;
        var hook = remote.AddressFamily == AddressFamily.InterNetworkV6 ? _connect6 : _connect4;
        if (hook.AttachedCount == 0) return remote;
        local = local is null ? new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0) : Unmapped(local);
        var result = hook.Invoke(Event(local, remote));
        if (result.Verdict != SockAddrVerdict.Reject) return result.Destination;
        Rejected?.Invoke(new PolicyRejection(hook.Section, result.DecidedBy, local, remote));
        rejection = new SocketException((int)SocketError.ConnectionRefused,
            $"Connection to {remote} refused by eBPF program '{result.DecidedBy}' ({hook.Section}).");
        return null;
    }

    private SockAddrEvent Event(IPEndPoint source, IPEndPoint destination) => new(source, destination)
    {
        ProcessId = (ulong)Environment.ProcessId,
        ThreadId = HostIdentity.CurrentThreadId,
        LogonId = HostIdentity.LogonId,
        IsAdmin = Environment.IsPrivilegedProcess,
    };

    private BindRequest BindRequestFor(Socket socket, IPEndPoint address, BindOperation operation) =>
        new((ulong)Environment.ProcessId, BindSocketAddress.Write(address), operation)
        {
            ApplicationId = ApplicationId,
            Protocol = socket.ProtocolType,
        };

    private SocketException Denied(Socket socket, IPEndPoint address, BindResult result, BindOperation operation)
    {
        Rejected?.Invoke(new PolicyRejection("bind", result.DecidedBy, address, null));
        return new SocketException((int)SocketError.AccessDenied,
            $"{(operation == BindOperation.PostBind ? "Post-bind of" : "Bind to")} {address} ({socket.ProtocolType}) denied by eBPF program '{result.DecidedBy}' (bind).");
    }

    private static async ValueTask<IPEndPoint[]> Candidates(EndPoint remote, AddressFamily socketFamily, CancellationToken cancellationToken)
    {
        switch (remote)
        {
            case IPEndPoint ip:
                return [Unmapped(ip)];
            case DnsEndPoint dns:
                var family = dns.AddressFamily != AddressFamily.Unspecified ? dns.AddressFamily
                    : socketFamily == AddressFamily.InterNetwork ? AddressFamily.InterNetwork : AddressFamily.Unspecified;
                var addresses = IPAddress.TryParse(dns.Host, out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(dns.Host, family, cancellationToken).ConfigureAwait(false);
                return [.. addresses.Select(a => Unmapped(new IPEndPoint(a, dns.Port)))];
            default:
                throw new ArgumentException($"Only IP and DNS endpoints can be policed; got {remote.GetType().Name} ({remote}).", nameof(remote));
        }
    }

    private static IPEndPoint Unmapped(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    /// <summary>Closes with an RST (linger 0), as a refused accept does: the peer sees a reset, not an orderly close.</summary>
    internal static void Reset(Socket socket)
    {
        try { socket.LingerState = new LingerOption(true, 0); }
        catch (SocketException) { }
        socket.Dispose();
    }
}
