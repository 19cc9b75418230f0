using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Ebpf.Service.Protocol;
using Ebpf.TestSupport;

namespace Ebpf.Service.Tests;

/// <summary>
/// The built <c>ebpf serve</c> as systemd runs it (eng/ebpf.service, Type=notify): Microsoft.Extensions.Hosting.Systemd
/// takes a parent process named systemd as the sign, and reports on $NOTIFY_SOCKET. Here the parent is a copy of
/// /bin/sh named systemd and the notify socket is the test's own.
/// </summary>
[Collection(DaemonCollection.Name)]
public class ServeUnderSystemdTests
{
    [Fact]
    public async Task ServeNotifiesReadyServesAndStopsCleanlyOnSigterm()
    {
        var directory = Directory.CreateTempSubdirectory("ebpf-serve-");
        try
        {
            string socket = Path.Combine(directory.FullName, "ebpf.sock");
            string notify = Path.Combine(directory.FullName, "notify");
            string fakeSystemd = Path.Combine(directory.FullName, "systemd");
            File.Copy("/bin/sh", fakeSystemd);
            using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notifications.Bind(new UnixDomainSocketEndPoint(notify));

            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            // `"$0" "$@"; exit $?`: the shell stays the parent (no exec of a last command).
            var start = new ProcessStartInfo(fakeSystemd, ["-c", "\"$0\" \"$@\"; exit $?", dotnet, Path.Combine(AppContext.BaseDirectory, "ebpf.dll"), "serve", "--socket", socket])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["NOTIFY_SOCKET"] = notify;
            using var shell = Process.Start(start)!;
            var stdout = shell.StandardOutput.ReadToEndAsync();
            var stderr = shell.StandardError.ReadToEndAsync();
            try
            {
                Assert.Contains("READY=1", await Receive(notifications, TimeSpan.FromSeconds(60)));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
                using (var client = new DaemonClient(socket))
                    Assert.Empty(client.Call(d => d.ListPrograms(new Empty())).Programs);

                int serve = int.Parse(File.ReadAllText($"/proc/{shell.Id}/task/{shell.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Single());
                using (var kill = Process.Start("kill", ["-TERM", serve.ToString()])) kill.WaitForExit();
                Assert.Contains("STOPPING=1", await Receive(notifications, TimeSpan.FromSeconds(30)));
                Assert.True(shell.WaitForExit(TimeSpan.FromSeconds(30)), "ebpf serve did not stop within 30 s of SIGTERM");
                Assert.Equal(0, shell.ExitCode);
                Assert.False(File.Exists(socket), "the socket file outlived the daemon");
                Assert.Contains("ebpf serve: stopped", await stderr);
            }
            finally
            {
                if (!shell.HasExited) shell.Kill(entireProcessTree: true);
                await stdout;
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>eng/ebpf.service as systemd reads it (with the tool's path swapped for a binary that exists here).</summary>
    [Fact]
    public void TheUnitFileIsANotifyServiceRunningServeThatSystemdAccepts()
    {
        string unit = File.ReadAllText(RepoPaths.RepoPath("eng", "ebpf.service"));
        Assert.Contains("\nType=notify\n", unit);
        Assert.Contains("\nExecStart=/usr/local/lib/ebpf/ebpf serve --socket /run/ebpf/ebpf.sock\n", unit);
        Assert.Contains("\nRuntimeDirectory=ebpf\n", unit);
        var directory = Directory.CreateTempSubdirectory("ebpf-unit-");
        try
        {
            string copy = Path.Combine(directory.FullName, "ebpf.service");
            File.WriteAllText(copy, unit.Replace("/usr/local/lib/ebpf/ebpf", "/bin/true"));
            ProcessStartInfo start = new("systemd-analyze", ["verify", copy]) { RedirectStandardOutput = true, RedirectStandardError = true };
            Process? verify;
            try { verify = Process.Start(start); }
            catch (System.ComponentModel.Win32Exception) { verify = null; }
            if (verify is null) return; // no systemd tools here: the lines above are what can be checked
            using (verify)
            {
                string said = verify.StandardOutput.ReadToEnd() + verify.StandardError.ReadToEnd();
                verify.WaitForExit();
                Assert.True(verify.ExitCode == 0 && !said.Contains("ebpf.service", StringComparison.Ordinal), said);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<string> Receive(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        int length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
