using System.Diagnostics;
using Ebpf.Service.Protocol;
using Ebpf.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;

namespace Ebpf.Service.Tests;

/// <summary>
/// The socket's mode decides who may connect; peer credentials decide who may change state. As root, clients run
/// as nobody (setpriv); as another user, that user is the non-root client and what needs root to set up is reported.
/// </summary>
[Collection(DaemonCollection.Name)]
public class DaemonAccessTests(ITestOutputHelper output)
{
    private const int TestGroup = 4242; // a gid no account needs: nobody gets it as a supplementary group

    private static ByteString Sample => ByteString.CopyFrom(File.ReadAllBytes(SampleObjects.Path("multi_extension")));

    [Fact]
    public async Task NonRootClientIsRefusedLoadAndAttachNamingTheRuleAndCanList()
    {
        await using var daemon = await TestDaemon.StartAsync(mode: (UnixFileMode)0b110_110_110, selfMayChange: false);
        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(daemon.Socket));
        string sample = SampleObjects.Path("multi_extension");
        if (!Environment.IsPrivilegedProcess)
        {
            // This process is the non-root client.
            using var self = daemon.Client();
            var refused = Assert.Throws<RpcException>(() => self.Call(d => d.LoadObject(new LoadRequest { Object = Sample, FileName = "multi_extension.o" })));
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            Assert.Contains("only root may load", refused.Status.Detail);
            Assert.Empty(self.Call(d => d.ListPrograms(new Empty())).Programs);
            HostKernelReport.Note(output.WriteLine, "ebpf serve access: not root, so no root client: checked this user's refusal and reads only");
            return;
        }
        using var client = daemon.Client();
        var loaded = client.Call(d => d.LoadObject(new LoadRequest { Object = Sample, FileName = "multi_extension.o" }));
        string id = loaded.Programs.Single(p => p.Name == "connection_tracker").Id.ToString();

        var list = CliProcess.Run(["prog", "list", "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("connection_tracker", list.Output);
        var maps = CliProcess.Run(["map", "dump", "name", "connections_per_port", "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.True(maps.ExitCode == 0, maps.ToString());

        var load = CliProcess.Run(["prog", "load", CliProcess.Readable(sample), "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.Equal(1, load.ExitCode);
        Assert.Contains("LoadObject changes the daemon's state: only root may load, attach, detach, pin, unload or change maps", load.Error);
        Assert.Contains("uid 65534", load.Error);
        Assert.Contains("(PermissionDenied)", load.Error);
        var attach = CliProcess.Run(["link", "attach", id, "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.Equal(1, attach.ExitCode);
        Assert.Contains("Attach changes the daemon's state: only root may", attach.Error);
        var update = CliProcess.Run(["map", "update", "name", "connections_per_port", "--key", "0050", "--value", "0100000000000000", "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.Equal(1, update.ExitCode);
        Assert.Contains("UpdateMap changes the daemon's state", update.Error);

        // Nothing the refused client asked for happened.
        Assert.Single(client.Call(d => d.ListPrograms(new Empty())).Programs.Select(p => p.ObjectId).Distinct());
        Assert.Empty(client.Call(d => d.ListLinks(new Empty())).Links);
        Assert.Equal(0u, client.Call(d => d.ListMaps(new Empty())).Maps.Single(m => m.Name == "connections_per_port").Entries);
    }

    [Fact]
    public async Task TheConfiguredGroupMayChangeStateAndOthersCannotConnect()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            HostKernelReport.Note(output.WriteLine, "ebpf serve access: not root, so the socket cannot be given to another group: the --group rule is checked as root only");
            await using var own = await TestDaemon.StartAsync(selfMayChange: false);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(own.Socket));
            return;
        }
        await using var daemon = await TestDaemon.StartAsync(group: TestGroup.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(daemon.Socket));
        Assert.Equal(TestGroup.ToString(), Stat("%g", daemon.Socket));

        // nobody with the group as a supplementary group (SO_PEERGROUPS): may load.
        var member = CliProcess.Run(["prog", "load", CliProcess.Readable(SampleObjects.Path("multi_extension")), "--socket", daemon.Socket, "--json"], CliProcess.Nobody, TestGroup);
        Assert.True(member.ExitCode == 0, member.ToString());
        Assert.Equal(4, member.Json.GetProperty("programs").GetArrayLength());

        // nobody without it: the socket's mode keeps it out.
        var outsider = CliProcess.Run(["prog", "list", "--socket", daemon.Socket], CliProcess.Nobody);
        Assert.Equal(1, outsider.ExitCode);
        Assert.Contains("permission denied", outsider.Error);
    }

    [Fact]
    public void TheRuleNamesWhoMayChangeStateAndLetsEveryoneRead()
    {
        var rootOnly = AccessRule.For(null);
        var nobody = new PeerCredentials(1, 65534, 65534, []);
        Assert.Null(rootOnly.Refusal(nobody, "ListPrograms"));
        Assert.Null(rootOnly.Refusal(nobody, "DumpMap"));
        Assert.Null(rootOnly.Refusal(new PeerCredentials(1, 0, 0, []), "LoadObject"));
        foreach (var method in AccessRule.ChangingMethods)
            Assert.StartsWith($"{method} changes the daemon's state: only root may", rootOnly.Refusal(nobody, method));
        Assert.Contains("credentials are unknown", rootOnly.Refusal(null, "Attach"));

        var group = AccessRule.For(TestGroup.ToString());
        Assert.Null(group.Refusal(new PeerCredentials(1, 1000, 1000, [TestGroup]), "Detach"));
        Assert.Null(group.Refusal(new PeerCredentials(1, 1000, TestGroup, []), "Detach"));
        Assert.Contains($"(gid {TestGroup})", group.Refusal(nobody, "Detach"));
        Assert.Contains("is not in /etc/group", Assert.Throws<ArgumentException>(() => AccessRule.For("no-such-group-here")).Message);
    }

    private static string Stat(string format, string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", format, path]) { RedirectStandardOutput = true })!;
        string text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return text;
    }
}
