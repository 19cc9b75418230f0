using System.Net;
using System.Net.Sockets;
using System.Text;
using Ebpf.Extensions.Net.AspNetCore;
using Ebpf.Extensions.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>
/// samples/connection_policy.o enforced on real loopback sockets: HttpClient through the handler, raw sockets through
/// the helpers, Kestrel through the connection middleware.
/// </summary>
public sealed class ConnectionPolicyTests : IDisposable
{
    private readonly PolicyFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static async Task<(WebApplication App, int Port, List<string> Seen)> StartKestrel(SocketPolicy? policy)
    {
        var seen = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (policy is not null) listen.UseEbpfPolicy(policy);
            // The first middleware after the policy: it records every connection that got through.
            listen.Use(next => connection =>
            {
                lock (seen) seen.Add(connection.RemoteEndPoint!.ToString()!);
                return next(connection);
            });
        }));
        var app = builder.Build();
        app.MapGet("/", () => "hello from kestrel");
        await app.StartAsync();
        var address = app.Urls.Single();
        return (app, new Uri(address).Port, seen);
    }

    [Fact]
    public async Task HttpClientIsRefusedOnABlockedPortAndGets200FromKestrelOnAnAllowedOne()
    {
        var (app, port, _) = await StartKestrel(null);
        await using var _app = app;
        int blocked = PolicyFixture.FreePort();
        _f.SetPort("connect_ports", blocked, PolicyFixture.Block);
        using var client = new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(_f.Policy));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{blocked}/"));
        var socketError = Assert.IsType<SocketException>(refused.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, socketError.SocketErrorCode);
        Assert.Contains("'connect_policy'", socketError.Message);
        Assert.Contains("cgroup/connect4", socketError.Message);
        Assert.Equal(1UL, _f.Decisions(blocked, PolicyFixture.Block));

        var response = await client.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello from kestrel", await response.Content.ReadAsStringAsync());
        Assert.Equal(0UL, _f.Decisions(port, PolicyFixture.Block));
    }

    [Fact]
    public async Task ARedirectSendsPortAToTheListenerOnPortB()
    {
        using var listenerB = PolicyFixture.Listen();
        int b = ((IPEndPoint)listenerB.LocalEndPoint!).Port;
        int a = PolicyFixture.FreePort();
        _f.SetPort("connect_ports", a, PolicyFixture.Redirect, b);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listenerB.AcceptAsync();
        using var connection = await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, a), _f.Policy);
        using var accepted = await accept;
        Assert.Equal(b, ((IPEndPoint)socket.RemoteEndPoint!).Port);
        Assert.Equal((a, b), (connection.RequestedRemote.Port, connection.Remote.Port));
        Assert.Equal(((IPEndPoint)socket.LocalEndPoint!).Port, ((IPEndPoint)accepted.RemoteEndPoint!).Port);
        socket.Send("ping"u8);
        var buffer = new byte[4];
        Assert.Equal(4, accepted.Receive(buffer));
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer));
        Assert.Equal(1UL, _f.Decisions(a, PolicyFixture.Redirect));

        // HttpClient follows the same redirect.
        var (app, kestrelPort, _) = await StartKestrel(null);
        await using var _app = app;
        int c = PolicyFixture.FreePort();
        _f.SetPort("connect_ports", c, PolicyFixture.Redirect, kestrelPort);
        using var client = new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(_f.Policy));
        Assert.Equal("hello from kestrel", await client.GetStringAsync($"http://127.0.0.1:{c}/"));
    }

    [Fact]
    public async Task RawConnectToABlockedPortThrowsWithTheProgramName()
    {
        using var listener = PolicyFixture.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _f.SetPort("connect_ports", port, PolicyFixture.Block);
        var rejections = new List<PolicyRejection>();
        _f.Policy.Rejected += rejections.Add;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var e = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), _f.Policy));
        Assert.Contains("connect_policy", e.Message);
        Assert.False(socket.Connected);
        Assert.Equal(("cgroup/connect4", "connect_policy", port), (rejections.Single().Hook, rejections.Single().Program, rejections.Single().Remote!.Port));
    }

    [Fact]
    public async Task KestrelWithTheMiddlewareNeverSeesARejectedConnection()
    {
        var (app, port, seen) = await StartKestrel(_f.Policy);
        await using var _app = app;
        using var client = new HttpClient(new SocketsHttpHandler());
        Assert.Equal("hello from kestrel", await client.GetStringAsync($"http://127.0.0.1:{port}/"));
        Assert.Single(seen);

        _f.SetPort("accept_ports", port, PolicyFixture.Block);
        for (int i = 0; i < 3; i++)
        {
            using var fresh = new HttpClient(new SocketsHttpHandler());
            // The reset can reach the client inside HttpClient's connect (a bare SocketException from reading the
            // remote endpoint) or after it (HttpRequestException): either way the request fails.
            var e = await Assert.ThrowsAnyAsync<Exception>(() => fresh.GetStringAsync($"http://127.0.0.1:{port}/"));
            Assert.True(e is HttpRequestException or SocketException, $"unexpected {e.GetType().Name}: {e.Message}");
        }
        Assert.Single(seen);
        Assert.Equal(3UL, _f.Decisions(port, PolicyFixture.Block));
    }

    [Fact]
    public async Task AcceptWrapperResetsRejectedConnectionsAndReturnsTheNextAllowedOne()
    {
        using var listener = PolicyFixture.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _f.SetPort("accept_ports", port, PolicyFixture.Block);
        using var rejected = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await rejected.ConnectAsync(IPAddress.Loopback, port); // the kernel completes the handshake before accept
        var accept = listener.AcceptAsync(_f.Policy).AsTask();

        // The rejected client sees a reset; nothing was returned to the application.
        var buffer = new byte[1];
        var error = await Assert.ThrowsAsync<SocketException>(async () => await rejected.ReceiveAsync(buffer));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.False(accept.IsCompleted);

        // Allowed again: the next client is returned.
        Assert.Equal(EbpfResultSuccess, _f.Loaded.Map("accept_ports").TryDelete(PortKey(port)));
        using var allowed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await allowed.ConnectAsync(IPAddress.Loopback, port);
        using var connection = await accept.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(((IPEndPoint)allowed.LocalEndPoint!).Port, connection.Remote.Port);
        Assert.True(connection.IsPassive);
    }

    private static readonly Ebpf.Runtime.Maps.EbpfResult EbpfResultSuccess = Ebpf.Runtime.Maps.EbpfResult.Success;

    private static byte[] PortKey(int port) => [(byte)(port >> 8), (byte)port];

    [Fact]
    public void BindDenyMakesBindThrowAndRedirectBindsTheOtherPort()
    {
        int denied = PolicyFixture.FreePort();
        _f.SetPort("bind_ports", denied, PolicyFixture.Block);
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var e = Assert.Throws<SocketException>(() => socket.Bind(new IPEndPoint(IPAddress.Loopback, denied), _f.Policy));
            Assert.Equal(SocketError.AccessDenied, e.SocketErrorCode);
            Assert.Contains("'bind_policy'", e.Message);
            Assert.False(socket.IsBound);
        }

        int from = PolicyFixture.FreePort(), to = PolicyFixture.FreePort();
        _f.SetPort("bind_ports", from, PolicyFixture.Redirect, to);
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        using (var binding = socket.Bind(new IPEndPoint(IPAddress.Loopback, from), _f.Policy))
        {
            Assert.Equal(to, ((IPEndPoint)socket.LocalEndPoint!).Port);
            Assert.Equal(to, binding.LocalEndPoint.Port);
        }
        Assert.Equal((1UL, 1UL), (_f.Decisions(denied, PolicyFixture.Block), _f.Decisions(from, PolicyFixture.Redirect)));
    }

    [Fact]
    public async Task SockOpsRecordsForEstablishedAndClosedCarryMatchingFlowIds()
    {
        var (app, port, _) = await StartKestrel(_f.Policy);
        await using (app)
        {
            using (var client = new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(_f.Policy)))
                Assert.Equal("hello from kestrel", await client.GetStringAsync($"http://127.0.0.1:{port}/"));
            await app.StopAsync();
        }
        var flows = _f.Flows();
        var active = Assert.Single(flows, f => f.Operation == SockOpsOperation.ActiveEstablished);
        var passive = Assert.Single(flows, f => f.Operation == SockOpsOperation.PassiveEstablished);
        Assert.Equal((port, port), (active.RemotePort, passive.LocalPort));
        Assert.Equal(active.LocalPort, passive.RemotePort);
        Assert.NotEqual(active.FlowId, passive.FlowId);
        var closed = flows.Where(f => f.Operation == SockOpsOperation.ConnectionDeleted).ToList();
        Assert.Equal(2, closed.Count);
        Assert.Contains(closed, f => f.FlowId == active.FlowId && f.LocalPort == active.LocalPort && f.RemotePort == port);
        Assert.Contains(closed, f => f.FlowId == passive.FlowId && f.LocalPort == port);
        Assert.Equal(4, flows.Count);
    }

    [Fact]
    public async Task RawSocketsReportActiveAndPassiveFlowsAndTheirClose()
    {
        using var listener = PolicyFixture.Listen();
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var accept = listener.AcceptAsync(_f.Policy).AsTask();
        var client = await new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            .ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), _f.Policy);
        var server = await accept;
        client.Dispose();
        server.GetStream().Dispose();
        client.Dispose(); // once only
        var flows = _f.Flows();
        // Connect and accept complete on different threads: either establishment may be reported first.
        Assert.Equal(
        [
            new(SockOpsOperation.ActiveEstablished, client.Local.Port, port, client.FlowId),
            new(SockOpsOperation.PassiveEstablished, port, client.Local.Port, server.FlowId),
        ], flows.Take(2).OrderBy(f => f.Operation));
        Assert.Equal(
        [
            new(SockOpsOperation.ConnectionDeleted, client.Local.Port, port, client.FlowId),
            new(SockOpsOperation.ConnectionDeleted, port, client.Local.Port, server.FlowId),
        ], flows.Skip(2));
    }
}
