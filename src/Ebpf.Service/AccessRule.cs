using System.Collections.Frozen;

namespace Ebpf.Service;

/// <summary>
/// Who may do what: requests that change the daemon's state (<see cref="ChangingMethods"/>) need root or the
/// configured group; every other request is a read, open to anyone the socket's mode lets connect.
/// </summary>
public sealed class AccessRule
{
    /// <summary>The gRPC methods that change state, by name.</summary>
    public static readonly FrozenSet<string> ChangingMethods = FrozenSet.Create(StringComparer.Ordinal,
        "LoadObject", "PinProgram", "UnloadProgram", "UpdateMap", "DeleteMapEntry", "Attach", "Detach");

    private AccessRule(string? groupName, uint? groupId) => (GroupName, GroupId) = (groupName, groupId);

    public string? GroupName { get; }
    public uint? GroupId { get; }

    /// <summary>The rule as users read it in a refusal.</summary>
    public string Description => GroupId is { } gid ? $"root or a member of group '{GroupName}' (gid {gid})" : "root";

    /// <summary>The rule for <paramref name="group"/> (a name in /etc/group or a number); root alone when null.</summary>
    public static AccessRule For(string? group)
    {
        if (string.IsNullOrEmpty(group)) return new AccessRule(null, null);
        if (uint.TryParse(group, out uint number)) return new AccessRule(NameOf(number) ?? group, number);
        foreach (var line in File.ReadLines("/etc/group"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == group && uint.TryParse(fields[2], out uint gid)) return new AccessRule(group, gid);
        }
        throw new ArgumentException($"group '{group}' is not in /etc/group (give a group name or number)");
    }

    private static string? NameOf(uint gid) => File.Exists("/etc/group")
        ? File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[2] == gid.ToString())?[0]
        : null;

    /// <summary>Null when <paramref name="peer"/> may call <paramref name="method"/>; else why not, naming the rule.</summary>
    public string? Refusal(PeerCredentials? peer, string method)
    {
        if (!ChangingMethods.Contains(method)) return null;
        if (peer is null) return $"{method} changes the daemon's state and the caller's credentials are unknown; it needs {Description}";
        if (peer.IsRoot || (GroupId is { } gid && peer.IsInGroup(gid))) return null;
        return $"{method} changes the daemon's state: only {Description} may load, attach, detach, pin, unload or change maps; " +
            $"this client runs as {peer} (reading is open to anyone who can connect)";
    }
}
