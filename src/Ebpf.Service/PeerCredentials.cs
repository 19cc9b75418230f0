using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ebpf.Service;

/// <summary>
/// Who is at the other end of a Unix domain socket connection, as the kernel says: SO_PEERCRED (process, user and
/// primary group at connect time) and SO_PEERGROUPS (its supplementary groups, Linux 4.13+).
/// </summary>
public sealed record PeerCredentials(int ProcessId, uint UserId, uint GroupId, IReadOnlyList<uint> SupplementaryGroups)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerGroups = 59;
    private const int ERange = 34;

    public bool IsRoot => UserId == 0;

    /// <summary>True when the peer's primary or a supplementary group is <paramref name="gid"/>.</summary>
    public bool IsInGroup(uint gid) => GroupId == gid || SupplementaryGroups.Contains(gid);

    public override string ToString() =>
        $"pid {ProcessId}, uid {UserId}, gid {GroupId}" + (SupplementaryGroups.Count > 0 ? $", groups {string.Join(",", SupplementaryGroups)}" : "");

    /// <summary>The peer of a connected Unix domain socket; throws <see cref="SocketException"/> if the kernel refuses.</summary>
    public static unsafe PeerCredentials Of(Socket socket)
    {
        int fd = (int)socket.SafeHandle.DangerousGetHandle();
        Ucred cred;
        uint length = (uint)sizeof(Ucred);
        if (getsockopt(fd, SolSocket, SoPeerCred, &cred, ref length) != 0) throw new SocketException(Marshal.GetLastPInvokeError());
        return new PeerCredentials(cred.Pid, cred.Uid, cred.Gid, Groups(fd));
    }

    private static unsafe uint[] Groups(int fd)
    {
        var groups = new uint[32];
        while (true)
        {
            uint length = (uint)(groups.Length * sizeof(uint));
            int result;
            fixed (uint* g = groups) result = getsockopt(fd, SolSocket, SoPeerGroups, g, ref length);
            if (result == 0) return groups[..(int)(length / sizeof(uint))];
            int errno = Marshal.GetLastPInvokeError();
            // ERANGE: the buffer was too small and length says how much is needed; anything else: no groups known.
            if (errno != ERange || length <= groups.Length * sizeof(uint)) return [];
            groups = new uint[length / sizeof(uint)];
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Ucred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int getsockopt(int socket, int level, int optionName, void* optionValue, ref uint optionLength);
}
