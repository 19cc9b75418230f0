using System.Text;

namespace Ebpf.Verifier.Domains;

/// <summary>PREVAIL's names of the types, for messages and for reading and writing invariants.</summary>
public static class TypeNames
{
    private static readonly (TypeFlags Flag, string Name)[] Names =
    [
        (TypeFlags.Uninitialized, "uninit"), (TypeFlags.Number, "number"), (TypeFlags.Context, "ctx"),
        (TypeFlags.Stack, "stack"), (TypeFlags.Packet, "packet"), (TypeFlags.Shared, "shared"),
        (TypeFlags.MapFd, "map_fd"), (TypeFlags.MapFdPrograms, "map_fd_programs"), (TypeFlags.Socket, "socket"),
        (TypeFlags.Function, "func"),
    ];

    public static TypeFlags? Parse(string name)
    {
        foreach (var (flag, n) in Names)
        {
            if (n == name) return flag;
        }
        return null;
    }

    public static string Format(TypeFlags types)
    {
        int count = System.Numerics.BitOperations.PopCount((uint)types);
        if (count == 1)
        {
            foreach (var (flag, n) in Names)
            {
                if (flag == types) return n;
            }
        }
        var sb = new StringBuilder("{");
        foreach (var (flag, n) in Names)
        {
            if ((types & flag) == 0) continue;
            if (sb.Length > 1) sb.Append(", ");
            sb.Append(n);
        }
        return sb.Append('}').ToString();
    }

    /// <summary>"r1.type == number" or "r1.type in {stack, packet}": the requirement of a failed type check.</summary>
    public static string Requirement(string register, TypeFlags allowed) =>
        System.Numerics.BitOperations.PopCount((uint)allowed) == 1
            ? $"{register}.type == {Format(allowed)}" : $"{register}.type in {Format(allowed)}";
}
