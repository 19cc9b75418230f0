namespace Ebpf.Extensions.Process;

/// <summary>
/// A producer of real process events for a <see cref="ProcessHook"/>: an operating-system notification (the Linux
/// process connector here; ETW kernel process events would be another subclass) turned into <see cref="ProcessEvent"/>s.
/// A subclass implements <see cref="StartCore"/>/<see cref="StopCore"/> and calls <see cref="DeliverCreate"/> and
/// <see cref="DeliverExit"/>; the hook, the context layout and the program information stay as they are.
/// With <see cref="FollowHook"/> the source runs exactly while at least one link is attached.
/// </summary>
public abstract class ProcessEventSource : IDisposable
{
    private readonly Lock _gate = new();
    private bool _following, _running, _disposed;
    private long _creations, _exits, _nonZeroVerdicts;

    protected ProcessEventSource(ProcessHook hook) => Hook = hook ?? throw new ArgumentNullException(nameof(hook));

    public ProcessHook Hook { get; }

    /// <summary>A short name for messages, e.g. "Linux process connector".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether a non-zero creation status stops the process. A system-wide source sees processes that already run,
    /// so it only records the verdict (<see cref="VerdictRecorded"/>).
    /// </summary>
    public abstract bool EnforcesVerdicts { get; }

    public bool IsRunning { get { lock (_gate) return _running; } }

    /// <summary>Creations delivered to the hook.</summary>
    public long Creations => Interlocked.Read(ref _creations);

    /// <summary>Exits delivered to the hook.</summary>
    public long Exits => Interlocked.Read(ref _exits);

    /// <summary>Creations a program gave a non-zero status.</summary>
    public long NonZeroVerdicts => Interlocked.Read(ref _nonZeroVerdicts);

    /// <summary>The error of the last start that failed while following the hook (null after a good start).</summary>
    public Exception? Fault { get; private set; }

    /// <summary>A creation a program gave a non-zero status (raised on the source's thread).</summary>
    public event Action<ProcessEvent, ProcessVerdict>? VerdictRecorded;

    /// <summary>Raised when a start triggered by the first attached link fails (the link stays attached; nothing fires).</summary>
    public event Action<Exception>? Faulted;

    /// <summary>Starts delivering now; throws <see cref="ProcessEventSourceException"/> naming what is missing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_running) return;
            StartCore();
            _running = true;
            Fault = null;
        }
    }

    /// <summary>Stops delivering: when this returns no event is in flight and the source's threads and handles are gone.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (!_running) return;
            _running = false;
            StopCore();
        }
    }

    /// <summary>Runs while the hook has links: starts now if it has, and on every first attach; stops after the last detach.</summary>
    public void FollowHook()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_following) return;
            _following = true;
        }
        Hook.SubscriptionChanged += OnSubscriptionChanged;
        if (Hook.IsSubscribed) OnSubscriptionChanged(true);
    }

    private void OnSubscriptionChanged(bool subscribed)
    {
        if (!subscribed)
        {
            Stop();
            return;
        }
        try
        {
            Start();
        }
        catch (ProcessEventSourceException e)
        {
            // Raised inside an attach: the attach itself succeeded, so the failure is reported, not thrown into it.
            Fault = e;
            Faulted?.Invoke(e);
        }
    }

    /// <summary>Opens what the source listens on and begins delivering; throw <see cref="ProcessEventSourceException"/> on failure.</summary>
    protected abstract void StartCore();

    /// <summary>Stops delivering and releases every thread and handle; returns only when no delivery is in flight.</summary>
    protected abstract void StopCore();

    /// <summary>Runs the hook's programs for a creation and records a non-zero verdict.</summary>
    protected ProcessVerdict DeliverCreate(ProcessEvent e)
    {
        var verdict = Hook.Decide(e);
        Interlocked.Increment(ref _creations);
        if (!verdict.IsAllowed)
        {
            Interlocked.Increment(ref _nonZeroVerdicts);
            VerdictRecorded?.Invoke(e, verdict);
        }
        return verdict;
    }

    /// <summary>Runs the hook's programs for an exit.</summary>
    protected void DeliverExit(ProcessEvent e)
    {
        Hook.NotifyExit(e);
        Interlocked.Increment(ref _exits);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        if (_following) Hook.SubscriptionChanged -= OnSubscriptionChanged;
        Stop();
        GC.SuppressFinalize(this);
    }
}
