using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// PROG_ARRAY (3): tail-call targets. The first program stored (or bound with <see cref="TryBindProgramType"/>)
/// fixes the array's program type; a program of another type gives <see cref="EbpfResult.InvalidFd"/>.
/// User mode stores by program id (resolved through the <see cref="IProgramResolver"/> given at creation) and
/// reads back program ids. Programs cannot look up, update or delete entries; the tail-call helper uses
/// <see cref="GetProgram"/>.
/// </summary>
public sealed class ProgramArrayMap : EbpfMap
{
    private readonly IProgramReference?[] _programs;
    // Per slot, the compiled code its program is bound to, for the tail-call fast path: one read on a hop instead of
    // program, binding, executor. Current as of _directGeneration, the programs' binding generation (see DirectTarget).
    private readonly Jit.JitExecutor?[] _directTargets;
    private int _directGeneration = -1;
    private readonly Lock _directLock = new();
    private readonly IProgramResolver? _resolver;
    private readonly Lock _typeLock = new();
    private Guid _programType;
    private bool _typeFixed;

    internal ProgramArrayMap(string name, MapDefinition definition, IProgramResolver? resolver) : base(name, definition)
    {
        _programs = new IProgramReference?[MaxEntries];
        _directTargets = new Jit.JitExecutor?[MaxEntries];
        _resolver = resolver;
    }

    /// <summary>The fixed program type, or null while no program has been stored or bound.</summary>
    public Guid? ProgramType { get { lock (_typeLock) return _typeFixed ? _programType : null; } }

    /// <summary>The program in slot <paramref name="index"/>, or null (empty or out of range). Lock-free.</summary>
    /// <remarks>
    /// A plain element read: a reference read is atomic and its dependent reads ordered, and <c>ref</c> to an element
    /// of an interface-typed array would cost a covariance check on every tail call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public IProgramReference? GetProgram(uint index) => index < (uint)_programs.Length ? _programs[index] : null;

    /// <summary>
    /// The compiled code slot <paramref name="index"/>'s program was bound to when the slot was stored or
    /// <see cref="RefreshDirectTargets"/> last ran, or null (empty, out of range, not compiled, unbound). Current
    /// while <see cref="DirectTargetsCurrent"/>; the tail-call helper refreshes.
    /// </summary>
    /// <remarks>Calls nothing: it is inlined into compiled code (see <see cref="Helpers.TailCallHelper.DirectTailCallEntry"/>).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Jit.JitExecutor? DirectTarget(uint index)
    {
        var targets = _directTargets;
        return index < (uint)targets.Length ? targets[index] : null;
    }

    /// <summary>No program's binding changed since the slots' bound code was last read.</summary>
    internal bool DirectTargetsCurrent
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _directGeneration == Programs.EbpfProgram.BindingGeneration;
    }

    /// <summary>Reads the slots' bound code again if any binding changed since they were last read.</summary>
    internal void RefreshDirectTargets()
    {
        if (Volatile.Read(ref _directGeneration) == Programs.EbpfProgram.BindingGeneration) return;
        lock (_directLock)
        {
            // Read the generation first: a binding that changes while the slots are read leaves the cache stale
            // (refreshed again next time), not wrong.
            int generation = Programs.EbpfProgram.BindingGeneration;
            for (int i = 0; i < _programs.Length; i++) _directTargets[i] = DirectTargetOf(_programs[i]);
            Volatile.Write(ref _directGeneration, generation);
        }
    }

    private static Jit.JitExecutor? DirectTargetOf(IProgramReference? program) => (program as Programs.EbpfProgram)?.Binding?.Jit;

    /// <summary>Stores a slot and its direct target together, so a refresh running meanwhile cannot pair them wrongly.</summary>
    private void StoreSlot(uint index, IProgramReference? program)
    {
        lock (_directLock)
        {
            Volatile.Write(ref _programs[index], program);
            _directTargets[index] = DirectTargetOf(program);
        }
    }

    /// <summary>Fixes the program type if not yet fixed; <see cref="EbpfResult.InvalidFd"/> if it is fixed to another type.</summary>
    public EbpfResult TryBindProgramType(Guid programType)
    {
        lock (_typeLock)
        {
            if (!_typeFixed)
            {
                _programType = programType;
                _typeFixed = true;
                return EbpfResult.Success;
            }
            return _programType == programType ? EbpfResult.Success : EbpfResult.InvalidFd;
        }
    }

    /// <summary>Stores <paramref name="program"/> (null clears the slot).</summary>
    public EbpfResult TrySetProgram(uint index, IProgramReference? program)
    {
        if (index >= (uint)_programs.Length) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        if (program is not null)
        {
            var bound = TryBindProgramType(program.ProgramType);
            if (bound != EbpfResult.Success) return bound;
        }
        StoreSlot(index, program);
        return EbpfResult.Success;
    }

    public void SetProgram(uint index, IProgramReference? program)
    {
        var result = TrySetProgram(index, program);
        if (result == EbpfResult.InvalidFd)
            throw new EbpfMapException(result, $"PROG_ARRAY '{Name}' holds programs of type {_programType}; program {program!.Id} is of type {program.ProgramType}");
        if (result != EbpfResult.Success)
            throw new EbpfMapException(result, $"PROG_ARRAY '{Name}': storing into slot {index} of {MaxEntries} failed");
    }

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries) return EbpfResult.ObjectNotFound;
        var program = GetProgram(index);
        if (program is null) return EbpfResult.ObjectNotFound;
        MemoryMarshal.Write(value, program.Id);
        return EbpfResult.Success;
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries || flags == MapUpdateFlags.NoExist) return EbpfResult.InvalidArgument;
        var program = _resolver?.ResolveProgram(MemoryMarshal.Read<uint>(value));
        return program is null ? EbpfResult.InvalidFd : TrySetProgram(index, program);
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries) return EbpfResult.InvalidArgument;
        StoreSlot(index, null);
        return EbpfResult.Success;
    }

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) =>
        IndexedKeys.Next(previousKey, nextKey, MaxEntries);

    protected override void OnLastReferenceReleased()
    {
        lock (_directLock)
        {
            Array.Clear(_programs);
            Array.Clear(_directTargets);
        }
    }

    protected override void FreeNativeResources() { }
}
