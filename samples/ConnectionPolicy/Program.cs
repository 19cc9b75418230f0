// Loads samples/build/connection_policy.o (verified), attaches its programs, and lets its maps decide what this
// app's HttpClient and Kestrel server may do: port 8081 is blocked, port 8082 is redirected to the server on 8080.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Net.AspNetCore;
using Ebpf.Extensions.Net.Sockets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

const int Server = 8080, Blocked = 8081, Redirected = 8082;
string objectPath = args.FirstOrDefault() ?? Path.Combine(AppContext.BaseDirectory, "../../../../build/connection_policy.o");

var net = new NetExtension();
var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
using var loaded = runtime.Load(objectPath);
foreach (var program in loaded.ProgramList) runtime.Extensions.Attach(program);
SetPort("connect_ports", Blocked, action: 1);
SetPort("connect_ports", Redirected, action: 2, redirectTo: Server);
var policy = new SocketPolicy(net);
policy.Rejected += r => Console.WriteLine($"  policy: {r.Program} ({r.Hook}) rejected {r.Local} -> {r.Remote}");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Server, listen => listen.UseEbpfPolicy(policy)));
var app = builder.Build();
app.MapGet("/", () => $"hello from the server on {Server}");
await app.StartAsync();

using (var client = new HttpClient(new SocketsHttpHandler().UseEbpfPolicy(policy)))
{
    foreach (int port in new[] { Server, Blocked, Redirected })
    {
        try
        {
            Console.WriteLine($"GET :{port} -> {await client.GetStringAsync($"http://127.0.0.1:{port}/")}");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException s)
        {
            Console.WriteLine($"GET :{port} -> {s.SocketErrorCode}: {s.Message}");
        }
    }
}
await app.StopAsync();

Console.WriteLine("sock_ops records (flow_monitor):");
((RingBufferMap)loaded.Map("flows")).Consume(r => Console.WriteLine(
    $"  {(SockOpsOperation)BinaryPrimitives.ReadUInt32LittleEndian(r),-18} local :{BinaryPrimitives.ReadUInt16LittleEndian(r[4..]),-5} " +
    $"remote :{BinaryPrimitives.ReadUInt16LittleEndian(r[6..]),-5} flow {BinaryPrimitives.ReadUInt64LittleEndian(r[8..])}"));

void SetPort(string map, int port, uint action, int redirectTo = 0)
{
    var key = new byte[2];
    BinaryPrimitives.WriteUInt16BigEndian(key, (ushort)port);
    var value = new byte[8];
    BinaryPrimitives.WriteUInt32LittleEndian(value, action);
    BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(4), (ushort)redirectTo);
    loaded.Map(map).Update(key, value);
}
