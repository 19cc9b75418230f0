using System.Diagnostics;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>
/// A network namespace joined to this one by a veth pair: <see cref="HostInterface"/> (here, <see cref="HostAddress"/>)
/// and its peer inside the namespace (<see cref="PeerAddress"/>). Needs root and iproute2; <see cref="TryCreate"/>
/// says what is missing instead.
/// </summary>
internal sealed class VethPair : IDisposable
{
    private VethPair(string tag)
    {
        Namespace = $"ebpf-{tag}";
        HostInterface = $"ebh{tag}";
        PeerInterface = $"ebp{tag}";
    }

    public string Namespace { get; }
    public string HostInterface { get; }
    public string PeerInterface { get; }
    public string HostAddress => "10.231.15.1";
    public string PeerAddress => "10.231.15.2";

    public static VethPair? TryCreate(out string missing)
    {
        var pair = new VethPair($"{Environment.ProcessId % 100000}");
        missing = "";
        if (Run("ip", ["netns", "add", pair.Namespace], out var error) != 0)
        {
            missing = $"cannot create a network namespace (root and iproute2 needed): {error.Trim()}";
            return null;
        }
        try
        {
            pair.Must("ip", "link", "add", pair.HostInterface, "type", "veth", "peer", "name", pair.PeerInterface);
            pair.Must("ip", "link", "set", pair.PeerInterface, "netns", pair.Namespace);
            pair.Must("ip", "addr", "add", pair.HostAddress + "/24", "dev", pair.HostInterface);
            pair.Must("ip", "link", "set", pair.HostInterface, "up");
            pair.Must("ip", "netns", "exec", pair.Namespace, "ip", "addr", "add", pair.PeerAddress + "/24", "dev", pair.PeerInterface);
            pair.Must("ip", "netns", "exec", pair.Namespace, "ip", "link", "set", pair.PeerInterface, "up");
            pair.Must("ip", "netns", "exec", pair.Namespace, "ip", "link", "set", "lo", "up");
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Runs a bash command line inside the namespace.</summary>
    public void InNamespace(string script) => Must("ip", "netns", "exec", Namespace, "bash", "-c", script);

    private void Must(string file, params string[] arguments)
    {
        if (Run(file, arguments, out var error) != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {error.Trim()}");
    }

    private static int Run(string file, string[] arguments, out string error)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error = $"{file}: {e.Message}";
            return -1;
        }
    }

    public void Dispose()
    {
        Run("ip", ["link", "del", HostInterface], out _); // removes the peer too
        Run("ip", ["netns", "del", Namespace], out _);
    }
}
