using System.Text;

namespace Ebpf.Extensions.Net.Packets;

/// <summary>Packets per action after a replay or a live observation, and what was written.</summary>
public sealed class PacketSummary
{
    private readonly long[] _actions = new long[Enum.GetValues<PacketAction>().Length];

    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    public long Written { get; internal set; }
    /// <summary>Packets whose bytes the programs changed (any action).</summary>
    public long Modified { get; private set; }
    public TimeSpan Elapsed { get; internal set; }

    public long this[PacketAction action] => _actions[(int)action];

    internal void Count(ReadOnlySpan<byte> input, in PacketVerdict verdict)
    {
        Packets++;
        Bytes += input.Length;
        _actions[(int)verdict.Action]++;
        if (!input.SequenceEqual(verdict.Packet)) Modified++;
    }

    /// <summary>One line per action that occurred, then totals: the CLI's summary.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var action in Enum.GetValues<PacketAction>())
        {
            if (this[action] > 0) text.AppendLine($"{action.ToString().ToUpperInvariant(),-9} {this[action],10}");
        }
        text.Append($"packets {Packets}, bytes {Bytes}, modified {Modified}, written {Written}");
        if (Elapsed > TimeSpan.Zero && Packets > 0) text.Append($", {Packets / Elapsed.TotalSeconds:F0} packets/s");
        return text.ToString();
    }
}
