using System.Runtime.InteropServices;

namespace Ebpf.TestSupport;

/// <summary>What the process-event tests count and resolve on the Linux host.</summary>
public static partial class LinuxHost
{
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    /// <summary>The path with every link resolved, as /proc/&lt;pid&gt;/exe shows an image.</summary>
    public static string Canonical(string path)
    {
        nint resolved = RealPath(path, 0);
        if (resolved == 0) throw new FileNotFoundException($"realpath: {path} does not resolve", path);
        try { return Marshal.PtrToStringUTF8(resolved)!; }
        finally { Free(resolved); }
    }

    /// <summary>Threads of this process whose name (comm) is <paramref name="name"/>.</summary>
    public static int ThreadsNamed(string name) => Directory.GetDirectories("/proc/self/task")
        .Count(t => { try { return File.ReadAllText(Path.Combine(t, "comm")).TrimEnd('\n') == name; } catch (IOException) { return false; } });

    /// <summary>Open NETLINK_CONNECTOR sockets of this process (its socket inodes that /proc/net/netlink lists with protocol 11).</summary>
    public static int ConnectorSockets()
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
            catch (IOException) { }
        }
        // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
        return File.ReadAllLines("/proc/self/net/netlink").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length >= 10 && f[1] == "11" && inodes.Contains(f[9]));
    }
}
