using System.Net;
using Ebpf.Extensions.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ebpf.Extensions.Net.AspNetCore;

/// <summary>Kestrel connection middleware running the network extension's accept and sock_ops programs.</summary>
public static class EbpfListenOptionsExtensions
{
    /// <summary>
    /// Each connection accepted on this endpoint first runs the <c>cgroup/recv_accept4|6</c> programs: a rejected
    /// one is aborted before any later middleware (TLS, HTTP, the application) sees it. A permitted one is reported
    /// to the sock_ops programs as passively established and, when Kestrel is done with it, as deleted, with one
    /// flow id. <c>listen.UseEbpfPolicy(policy)</c>; put it first so nothing runs on a rejected connection.
    /// </summary>
    public static ListenOptions UseEbpfPolicy(this ListenOptions listenOptions, SocketPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(policy);
        listenOptions.Use(next => async connection =>
        {
            if (connection.LocalEndPoint is not IPEndPoint local || connection.RemoteEndPoint is not IPEndPoint remote)
            {
                await next(connection).ConfigureAwait(false); // not an IP transport (e.g. a Unix socket): no hook applies
                return;
            }
            if (!policy.AuthorizeAccept(local, remote))
            {
                connection.Abort(new ConnectionAbortedException($"Connection from {remote} rejected by an eBPF recv_accept program."));
                return;
            }
            ulong flow = policy.NextFlowId();
            policy.Notify(SockOpsOperation.PassiveEstablished, local, remote, flow);
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                policy.Notify(SockOpsOperation.ConnectionDeleted, local, remote, flow);
            }
        });
        return listenOptions;
    }
}
