using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Memory;

/// <summary>
/// Epoch-based reclamation for native blocks that lock-free readers (programs) may still be holding.
/// A thread brackets each program invocation (and each user-mode map access) with <see cref="Enter()"/> /
/// <see cref="EpochScope.Dispose"/>; a writer that unlinks a block hands it to <see cref="Retire(void*)"/>,
/// which stamps it with the current global epoch and advances the epoch. The block is freed once every thread
/// that is inside an epoch entered it after the stamp, so no reader can still hold a pointer to it.
/// </summary>
public sealed unsafe class EpochManager
{
    /// <summary>The manager every map uses.</summary>
    public static EpochManager Shared { get; } = new();

    /// <summary>Retired items kept before a reclamation pass is attempted.</summary>
    private const int ReclaimThreshold = 64;

    [ThreadStatic] private static EpochParticipant? t_cachedParticipant;

    private readonly ThreadLocal<EpochParticipant> _participants;
    private readonly Lock _registryLock = new();
    private EpochParticipant[] _registry = [];
    private readonly Lock _retireLock = new();
    private readonly List<RetiredItem> _retired = new();
    // Epoch 0 marks an idle participant, so the global epoch starts at 1.
    private long _globalEpoch = 1;
    private long _freedCount;
    // Next pending count at which a retire attempts reclamation; doubles while long readers keep items alive,
    // so a stalled reader does not make every retire rescan the whole list.
    private int _reclaimAt = ReclaimThreshold;
    // Items being freed by the reclamation in progress (reused, so reclaiming does not allocate).
    private readonly List<RetiredItem> _ready = new();
    private int _reclaiming;

    public EpochManager()
    {
        _participants = new ThreadLocal<EpochParticipant>(CreateParticipant);
    }

    /// <summary>Current global epoch (advances on every retire).</summary>
    public long CurrentEpoch => Volatile.Read(ref _globalEpoch);

    /// <summary>Number of retired items not yet freed.</summary>
    public int PendingCount { get { lock (_retireLock) return _retired.Count; } }

    /// <summary>Number of retired items freed so far.</summary>
    public long FreedCount => Interlocked.Read(ref _freedCount);

    /// <summary>True when the calling thread is inside an epoch of this manager.</summary>
    public bool IsInsideEpoch => Participant().Depth > 0;

    /// <summary>Enters an epoch on the calling thread (nests); dispose the scope to leave it.</summary>
    public EpochScope Enter()
    {
        var participant = Participant();
        if (participant.Depth++ == 0)
        {
            // A plain store, no fence: the reclaimer's process-wide barrier (see MinimumActiveEpoch) makes it visible
            // before any scan that could free what this thread reads next (an asymmetric Dekker fence, as in RCU).
            participant.LocalEpoch = Volatile.Read(ref _globalEpoch);
        }
        return new EpochScope(participant);
    }

    /// <summary>The calling thread's participant, for callers that keep it in their own per-thread state.</summary>
    internal EpochParticipant CurrentParticipant() => Participant();

    /// <summary>
    /// <see cref="Enter()"/> for a participant the caller already holds (<see cref="CurrentParticipant"/> on this
    /// thread): saves the thread-static lookup on hot paths. Leave with <see cref="Exit"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Enter(EpochParticipant participant)
    {
        if (participant.Depth++ == 0) participant.LocalEpoch = Volatile.Read(ref _globalEpoch); // see Enter()
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Exit(EpochParticipant participant)
    {
        if (participant.Depth <= 0) ThrowUnbalancedExit();
        if (--participant.Depth == 0)
            Volatile.Write(ref participant.LocalEpoch, 0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnbalancedExit() =>
        throw new InvalidOperationException("EpochScope disposed more often than it was entered.");

    /// <summary>Frees <paramref name="block"/> (from <see cref="NativeMemory.Alloc(nuint)"/>) once no reader can hold it.</summary>
    public void Retire(void* block)
    {
        if (block != null)
            Add(new RetiredItem((nint)block, null));
    }

    /// <summary>Runs <paramref name="release"/> once no reader that entered before now is still inside its epoch.</summary>
    public void Retire(Action release)
    {
        ArgumentNullException.ThrowIfNull(release);
        Add(new RetiredItem(0, release));
    }

    private void Add(RetiredItem item)
    {
        // The caller unlinked the item before this point; the increment (a full fence) orders that unlink before
        // the stamp, so readers that enter at a later epoch cannot reach the item.
        long stamp = Interlocked.Increment(ref _globalEpoch) - 1;
        bool reclaim;
        lock (_retireLock)
        {
            _retired.Add(item with { Epoch = stamp });
            reclaim = _retired.Count >= _reclaimAt;
        }
        if (reclaim)
            Reclaim();
    }

    /// <summary>
    /// Frees every retired item no active reader can still see; returns how many were freed. Only one reclamation
    /// runs at a time: a call made while another is in progress (including from a release callback) returns 0.
    /// </summary>
    public int Reclaim() => ReclaimCore(wait: false);

    private int ReclaimCore(bool wait)
    {
        if (Interlocked.CompareExchange(ref _reclaiming, 1, 0) != 0)
        {
            if (!wait) return 0;
            var spinner = new SpinWait();
            while (Interlocked.CompareExchange(ref _reclaiming, 1, 0) != 0) spinner.SpinOnce();
        }
        try
        {
            long safeBelowOrAt = MinimumActiveEpoch(fence: true) - 1;
            lock (_retireLock)
            {
                for (int i = 0; i < _retired.Count; i++)
                {
                    if (_retired[i].Epoch > safeBelowOrAt) continue;
                    _ready.Add(_retired[i]);
                    _retired[i] = _retired[^1];
                    _retired.RemoveAt(_retired.Count - 1);
                    i--;
                }
                _reclaimAt = Math.Max(ReclaimThreshold, _retired.Count * 2);
            }
            int freed = _ready.Count;
            try
            {
                // Frees run outside the retire lock: release callbacks may retire more items.
                foreach (var item in _ready)
                {
                    if (item.Release is not null) item.Release();
                    else NativeMemory.Free((void*)item.Block);
                }
            }
            finally
            {
                _ready.Clear();
            }
            Interlocked.Add(ref _freedCount, freed);
            return freed;
        }
        finally
        {
            Volatile.Write(ref _reclaiming, 0);
        }
    }

    /// <summary>
    /// Waits until everything retired before the call is freed (readers on other threads must leave their epochs).
    /// Must not be called from inside an epoch.
    /// </summary>
    public void Synchronize()
    {
        if (IsInsideEpoch)
            throw new InvalidOperationException("Synchronize called from inside an epoch would wait for itself.");
        long target = Interlocked.Increment(ref _globalEpoch) - 1;
        var spinner = new SpinWait();
        // One process-wide barrier suffices: a reader whose entry it did not expose entered after it, so at an epoch above target.
        bool fence = true;
        while (MinimumActiveEpoch(fence) <= target)
        {
            fence = false;
            spinner.SpinOnce();
        }
        ReclaimCore(wait: true);
    }

    private long MinimumActiveEpoch(bool fence)
    {
        // Read the global epoch first: a participant entering after this read gets at least this value.
        long minimum = Volatile.Read(ref _globalEpoch);
        // Readers enter with a plain store. The process-wide barrier serialises every thread: a reader's entry store
        // issued before it is visible to the scan below, and a reader that enters after it also loads after it, so
        // it sees every unlink made before this call (and reads a global epoch above every stamp being freed).
        if (fence) Interlocked.MemoryBarrierProcessWide();
        else Interlocked.MemoryBarrier();
        foreach (var participant in Volatile.Read(ref _registry))
        {
            long local = Volatile.Read(ref participant.LocalEpoch);
            if (local != 0 && local < minimum) minimum = local;
        }
        return minimum;
    }

    private EpochParticipant Participant()
    {
        var cached = t_cachedParticipant;
        if (cached is not null && ReferenceEquals(cached.Manager, this)) return cached;
        cached = _participants.Value!;
        t_cachedParticipant = cached;
        return cached;
    }

    private EpochParticipant CreateParticipant()
    {
        var participant = new EpochParticipant(this, Thread.CurrentThread);
        lock (_registryLock)
        {
            // Drop idle participants of threads that have exited, so thread churn does not grow the scan.
            var live = new List<EpochParticipant>(_registry.Length + 1);
            foreach (var existing in _registry)
            {
                if (existing.Owner.IsAlive || Volatile.Read(ref existing.LocalEpoch) != 0) live.Add(existing);
            }
            live.Add(participant);
            Volatile.Write(ref _registry, live.ToArray());
        }
        return participant;
    }
}
