using System.Runtime.CompilerServices;
using Ebpf.Runtime.Jit;

namespace Ebpf.Runtime.Linux;

/// <summary>
/// A Linux BPF_MAP_TYPE_PROG_ARRAY of one <see cref="LinuxXdpObject"/>: slots of programs that bpf_tail_call jumps to.
/// Programs receive <see cref="Token"/> for it (an lddw map reference); only the tail-call helper interprets it.
/// </summary>
public sealed class LinuxProgramArray(string name, int capacity, ulong token)
{
    private readonly LinuxXdpProgram?[] _slots = new LinuxXdpProgram?[capacity];
    // Per slot, the program's executor when compiled code may enter it directly (see LinuxXdpProgram): one read on a
    // hop. An immutable object, so its entry and stack size are always read as a pair (a struct slot could tear).
    private readonly JitExecutor?[] _directTargets = new JitExecutor?[capacity];

    public string Name { get; } = name;
    public int Capacity => _slots.Length;
    internal ulong Token { get; } = token;

    public LinuxXdpProgram? this[int index]
    {
        get => (uint)index < (uint)_slots.Length ? _slots[index] : null;
        set
        {
            if ((uint)index >= (uint)_slots.Length)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"program array '{Name}' has {_slots.Length} slots");
            // A tail call that reads both slots between these writes runs either program: each is a whole program.
            _slots[index] = value;
            _directTargets[index] = value?.DirectTailCallTarget;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal LinuxXdpProgram? TryGet(ulong index) => index < (ulong)_slots.Length ? _slots[index] : null;

    /// <summary>
    /// The compiled entry of slot <paramref name="index"/> when compiled code with <paramref name="stackBytes"/> of
    /// stack may enter it; null when the slot is empty or out of range, its program is not enterable, or needs more stack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal JitEntry? TryGetDirectEntry(ulong index, int stackBytes)
    {
        var targets = _directTargets;
        if (index >= (ulong)targets.Length) return null;
        var target = targets[index];
        return target is not null && target.StackBytes <= stackBytes ? target.DirectTailCallEntry : null;
    }
}
