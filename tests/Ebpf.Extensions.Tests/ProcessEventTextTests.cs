using Ebpf.Extensions.Process;
using Ebpf.Extensions.Process.Linux;

namespace Ebpf.Extensions.Tests;

/// <summary>How the process sources write command lines and exit codes (no privilege needed).</summary>
public class ProcessEventTextTests
{
    [Theory]
    [InlineData(new[] { "/bin/sh", "-c", "exit 7" }, "/bin/sh -c 'exit 7'")]
    [InlineData(new[] { "ls", "-la", "/tmp/a,b=c:d@e%f+g" }, "ls -la /tmp/a,b=c:d@e%f+g")]
    [InlineData(new[] { "echo", "it's", "" }, @"echo 'it'\''s' ''")]
    [InlineData(new[] { "x", "$HOME", "a\tb", "*" }, "x '$HOME' 'a\tb' '*'")]
    public void ArgumentsAreQuotedAsAShellReadsThemBack(string[] arguments, string line) =>
        Assert.Equal(line, ShellQuoting.Join(arguments));

    [Theory]
    [InlineData(0x0000u, 0u)]   // exit(0)
    [InlineData(0x0700u, 7u)]   // exit(7)
    [InlineData(0xff00u, 255u)] // exit(255)
    [InlineData(0x0009u, 137u)] // killed by SIGKILL
    [InlineData(0x008bu, 139u)] // SIGSEGV with a core dump
    public void AWaitStatusBecomesTheExitCodeAShellReports(uint waitStatus, uint exitCode) =>
        Assert.Equal(exitCode, LinuxProcessConnector.ExitCode(waitStatus));
}
