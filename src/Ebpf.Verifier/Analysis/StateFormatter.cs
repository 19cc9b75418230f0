using System.Text;
using Ebpf.Verifier.Domains;

namespace Ebpf.Verifier.Analysis;

/// <summary>Renders abstract states in PREVAIL's invariant vocabulary (r1.type=ctx, r1.svalue=[0, 10], ...).</summary>
internal static class StateFormatter
{
    public static string Format(AbstractState s, VariableLayout layout, int depth)
    {
        if (s.IsBottom) return "_|_";
        var sb = new StringBuilder();
        for (int r = 0; r < Isa.Registers.Count; r++)
        {
            if (s.Kind(0, r).Types == TypeFlags.Uninitialized) continue;
            if (sb.Length > 0) sb.Append("; ");
            AppendRegister(sb, s, layout, r);
        }
        var ps = s.Zone.Get(VariableLayout.PacketSize);
        if (ps != Interval.Top) sb.Append("; packet_size=").Append(ps);
        AppendStack(sb, s);
        if (depth > 0) sb.Append("; call depth=").Append(depth);
        return sb.ToString();
    }

    public static string FormatRegisters(AbstractState s, VariableLayout layout, byte[] registers)
    {
        if (s.IsBottom) return "_|_";
        var sb = new StringBuilder();
        foreach (byte r in registers)
        {
            if (sb.Length > 0) sb.Append("; ");
            AppendRegister(sb, s, layout, r);
        }
        return sb.ToString();
    }

    private static void AppendRegister(StringBuilder sb, AbstractState s, VariableLayout layout, int r)
    {
        var k = s.Kind(0, r);
        sb.Append('r').Append(r).Append(".type=").Append(TypeNames.Format(k.Types));
        if (k.Types == TypeFlags.Uninitialized) return;
        if ((k.Types & TypeFlags.Number) != 0 || (k.Types & TypeFlags.Nullable) != 0)
        {
            sb.Append(", r").Append(r).Append(".svalue=").Append(s.Zone.Get(layout.SValue(0, r)).Meet(Interval.Signed64));
            sb.Append(", r").Append(r).Append(".uvalue=").Append(s.Zone.Get(layout.UValue(0, r)).Meet(Interval.Unsigned64));
        }
        if ((k.Types & TypeFlags.Pointers) != 0)
            sb.Append(", r").Append(r).Append(".offset=").Append(s.Zone.Get(layout.Offset(0, r)));
        if ((k.Types & TypeFlags.Shared) != 0)
            sb.Append(", r").Append(r).Append(".shared_region_size=").Append(k.SharedSize);
        if ((k.Types & (TypeFlags.MapFd | TypeFlags.MapFdPrograms)) != 0 && k.MapReference != RegisterKind.UnknownMap)
            sb.Append(", r").Append(r).Append(".map_fd=").Append(k.MapReference);
    }

    private static void AppendStack(StringBuilder sb, AbstractState s)
    {
        var stack = s.Stack;
        int o = stack.Bottom;
        while (o < stack.Top)
        {
            if (!stack.IsNumeric(o)) { o++; continue; }
            int start = o;
            while (o < stack.Top && stack.IsNumeric(o)) o++;
            sb.Append("; s[").Append(start).Append("...").Append(o - 1).Append("].type=number");
        }
        foreach (var c in stack.Cells)
        {
            string range = $"s[{c.Offset}...{c.End - 1}]";
            if (c.Value.Kind.Types != TypeFlags.Number) sb.Append("; ").Append(range).Append(".type=").Append(TypeNames.Format(c.Value.Kind.Types));
            if (c.Value.SValue.HasFiniteBounds && c.Value.Kind.Types == TypeFlags.Number) sb.Append("; ").Append(range).Append(".svalue=").Append(c.Value.SValue);
            if ((c.Value.Kind.Types & TypeFlags.Pointers) != 0) sb.Append("; ").Append(range).Append(".offset=").Append(c.Value.Offset);
        }
    }
}
