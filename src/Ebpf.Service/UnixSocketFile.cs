using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ebpf.Service;

/// <summary>The socket file of the daemon: its directory made, a stale file removed, its owner group and mode set.</summary>
internal static class UnixSocketFile
{
    /// <summary>
    /// Makes the socket's directory (mode 0755) and removes a socket file nobody listens on (a daemon that died);
    /// throws <see cref="IOException"/> when a daemon still listens there.
    /// </summary>
    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the ebpf daemon's socket is a Unix domain socket with Unix permissions");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (!File.Exists(path)) return;
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new IOException($"{path}: another daemon listens on this socket (stop it, or give another --socket)");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
            {
                // Nobody listens: a socket left by a daemon that died.
            }
        }
        File.Delete(path);
    }

    /// <summary>Gives the socket its group (when one is configured) and its mode.</summary>
    public static void Secure(string path, uint? groupId, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the ebpf daemon's socket is a Unix domain socket with Unix permissions");
        if (groupId is { } gid && chown(path, -1, (int)gid) != 0)
            throw new IOException($"{path}: cannot give the socket to gid {gid}: errno {Marshal.GetLastPInvokeError()}");
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// Runs <paramref name="bind"/> with the process's umask at 0177, so the socket file it creates has mode 0600 (or
    /// less) from its first instant, before <see cref="Secure"/> gives it its final mode.
    /// </summary>
    public static async Task CreatePrivately(Func<Task> bind)
    {
        uint previous = umask(0b001_111_111);
        try
        {
            await bind();
        }
        finally
        {
            umask(previous);
        }
    }

    [DllImport("libc")]
    private static extern uint umask(uint mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
