using Ebpf.Cli;
using Ebpf.Cli.Commands.Daemon;

namespace Ebpf.Service.Tests;

/// <summary>The client commands' own checks, before or without a daemon (in this process, console redirected).</summary>
[Collection(DaemonCollection.Name)]
public class ClientCommandTests
{
    private static (int Code, string Output, string Error) Ebpf(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            return (Program.Main(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    [Theory]
    [InlineData(new[] { "prog", "list" }, "ebpf prog list")]
    [InlineData(new[] { "map", "dump", "id", "3" }, "ebpf map dump")]
    [InlineData(new[] { "link", "detach", "1" }, "ebpf link detach")]
    [InlineData(new[] { "pin", "list", "--json" }, "ebpf pin list")]
    public void WithoutADaemonEachCommandSaysSoAndExitsWith1(string[] args, string command)
    {
        string socket = Path.Combine("/tmp", "no-ebpf-daemon-" + Guid.NewGuid().ToString("N"), "ebpf.sock");
        var (code, output, error) = Ebpf([.. args, "--socket", socket]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Equal("", output);
        Assert.Equal($"{command}: no ebpf daemon runs on {socket}: the socket does not exist (start one with `ebpf serve`, or name its socket with --socket)",
            error.Trim());
    }

    [Fact]
    public async Task AStaleSocketIsNamedAsOneNobodyListensOn()
    {
        await using var daemon = await TestDaemon.StartAsync();
        string socket = daemon.Socket;
        // A socket file whose daemon is gone: a second name for a listening socket's file, kept after it closes
        // (.NET removes the file it bound when the socket is disposed, not other names of it).
        string bound = socket + ".bound";
        string stale = socket + ".stale";
        using (var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bound));
            using var link = System.Diagnostics.Process.Start("ln", [bound, stale])!;
            link.WaitForExit();
        }
        Assert.True(File.Exists(stale));
        var (code, _, error) = Ebpf("prog", "list", "--socket", stale);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains($"no ebpf daemon runs on {stale}: connection refused", error);
    }

    [Theory]
    [InlineData(new[] { "map", "dump", "key", "3" }, "'key' does not name a map: use id N, pinned PATH or name NAME")]
    [InlineData(new[] { "map", "dump", "id", "x" }, "map id 'x' is not a positive number")]
    [InlineData(new[] { "map", "lookup", "id", "1", "--key", "0g" }, "--key: \"0g\" is not hex")]
    [InlineData(new[] { "map", "update", "id", "1", "--key", "00", "--value", "00", "--flags", "sometimes" }, "--flags sometimes: use any, noexist or exist")]
    public async Task BadArgumentsAreNamedBeforeAnythingIsAsked(string[] args, string message)
    {
        await using var daemon = await TestDaemon.StartAsync();
        var (code, _, error) = Ebpf([.. args, "--socket", daemon.Socket]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void SocketModesAreOctalPermissionBits()
    {
        Assert.Equal((UnixFileMode)0x1B6, ServeCommand.ParseMode("0666"));
        Assert.Equal((UnixFileMode)0x1B0, ServeCommand.ParseMode("660"));
        Assert.Equal((UnixFileMode)0x180, ServeCommand.ParseMode("0o600"));
        Assert.Contains("an octal mode", Assert.Throws<CliInputException>(() => ServeCommand.ParseMode("0689")).Message);
        Assert.Contains("an octal mode", Assert.Throws<CliInputException>(() => ServeCommand.ParseMode("rw")).Message);
        Assert.Contains("at most 0777", Assert.Throws<CliInputException>(() => ServeCommand.ParseMode("4755")).Message);
    }
}
