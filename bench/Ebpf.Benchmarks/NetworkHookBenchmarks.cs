using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Net.Sockets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Benchmarks;

/// <summary>
/// The added cost of one trivial cgroup/connect4 program (samples/pass_all.c connect_proceed) on a loopback
/// connection: the hook alone, a raw Socket.ConnectAsync with and without the policy, and an HttpClient request that
/// opens a new connection each time (the server answers "Connection: close") with and without the policy handler.
/// Compare each pair in one run (`--filter '*NetworkHook*'`): the machine is shared and noisy.
/// </summary>
[MemoryDiagnoser]
public class NetworkHookBenchmarks
{
    private NetExtension _net = null!;
    private LoadedObject _loaded = null!;
    private SocketPolicy _policy = null!;
    private Socket _listener = null!;
    private IPEndPoint _endpoint = null!;
    private HttpClient _plainClient = null!, _policedClient = null!;
    private Uri _uri = null!;
    private SockAddrEvent _event = null!;
    private SockAddrHook _connect4 = null!;
    private CancellationTokenSource _stop = null!;

    [GlobalSetup]
    public void Setup()
    {
        _net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(_net);
        _loaded = runtime.Load(SampleObjects.Path("pass_all"));
        runtime.Extensions.Attach(_loaded.Program("connect_proceed"));
        _policy = new SocketPolicy(_net);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _uri = new Uri($"http://127.0.0.1:{_endpoint.Port}/");
        _stop = new CancellationTokenSource();
        _ = Serve(_stop.Token);
        _plainClient = new HttpClient(new SocketsHttpHandler());
        _policedClient = new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(_policy));
        _connect4 = _net.SockAddr("cgroup/connect4");
        _event = new SockAddrEvent(new IPEndPoint(IPAddress.Any, 0), _endpoint);
    }

    /// <summary>Accepts and answers every connection with an empty 200 and closes it (no request parsing: one read suffices on loopback).</summary>
    private async Task Serve(CancellationToken stop)
    {
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(stop); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var buffer = new byte[4096];
                    try
                    {
                        if (await client.ReceiveAsync(buffer) > 0) await client.SendAsync(response);
                    }
                    catch (SocketException) { }
                }
            });
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _listener.Dispose();
        _plainClient.Dispose();
        _policedClient.Dispose();
        _loaded.Dispose();
    }

    private ProgramContext _context = null!;

    [Benchmark(Description = "the trivial program alone (EbpfProgram.Invoke on a sock_addr context)")]
    public unsafe ulong ProgramOnly()
    {
        _context ??= SockAddrContext.FromEvent(_event);
        return _loaded.Program("connect_proceed").Invoke(_context.Context).ReturnValue;
    }

    [Benchmark(Description = "connect4 hook: one trivial program")]
    public SockAddrVerdict HookOnly() => _connect4.Invoke(_event).Verdict;

    [Benchmark(Description = "Socket.ConnectAsync, no policy")]
    public async Task RawConnect()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_endpoint);
    }

    [Benchmark(Description = "Socket.ConnectAsync under the policy")]
    public async Task RawConnectPoliced()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var connection = await _policy.ConnectAsync(socket, _endpoint);
    }

    [Benchmark(Description = "HttpClient GET (new connection), no policy")]
    public async Task<HttpStatusCode> HttpGet() => (await _plainClient.GetAsync(_uri)).StatusCode;

    [Benchmark(Description = "HttpClient GET (new connection) under the policy")]
    public async Task<HttpStatusCode> HttpGetPoliced() => (await _policedClient.GetAsync(_uri)).StatusCode;
}
