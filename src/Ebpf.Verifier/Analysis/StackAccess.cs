namespace Ebpf.Verifier.Analysis;

/// <summary>
/// What one instruction may do to the stack on any execution the fixpoint covers: the byte ranges [start, end) it
/// may read, whether the values read matter (<see cref="ReadValueInto"/>), the range it certainly overwrites
/// (<see cref="KillStart"/>..<see cref="KillEnd"/>, empty when equal) and the range a store may write
/// (<see cref="StoreStart"/>..<see cref="StoreEnd"/>; <see cref="StoreMayHitStack"/> false when the store's
/// pointer is never the stack).
/// </summary>
internal sealed record StackAccess((int Start, int End)[] Reads, int ReadValueInto, int KillStart = 0, int KillEnd = 0,
    bool StoreMayHitStack = false, int StoreStart = 0, int StoreEnd = 0)
{
    /// <summary><see cref="ReadValueInto"/>: the values read matter wherever they go (an atomic operation's).</summary>
    public const int ValueMatters = -1;
    /// <summary>
    /// <see cref="ReadValueInto"/>: only that the bytes are initialized matters (a helper's read: a key, data to
    /// send; no check depends on what they hold).
    /// </summary>
    public const int ValueIgnored = -2;

    public static readonly StackAccess None = new([], ValueIgnored);
}
