namespace Ebpf.Verifier.Platforms;

/// <summary>How a helper that takes a callback (a function reference argument) calls it: the verifier's model of it.</summary>
public enum CallbackKind : byte
{
    /// <summary>Not a callback helper (or one whose callback the verifier does not model: refused).</summary>
    None,
    /// <summary>bpf_loop(nr_loops, callback, ctx, flags): callback(index, ctx) for index in [0, nr_loops), up to 1 &lt;&lt; 23.</summary>
    Loop,
    /// <summary>bpf_for_each_map_elem(map, callback, ctx, flags): callback(map, key, value, ctx) per element.</summary>
    ForEachMapElement,
}
