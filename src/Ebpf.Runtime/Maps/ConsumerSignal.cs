namespace Ebpf.Runtime.Maps;

/// <summary>
/// Wakes a sleeping ring consumer. The consumer announces it is about to sleep (<see cref="PrepareWait"/>),
/// re-checks for data, then waits; a producer that committed a record (with a full fence) calls
/// <see cref="Notify"/>, which signals only if someone announced a wait. Producers therefore pay one volatile
/// read per record while the consumer keeps up, and nobody spins.
/// </summary>
internal sealed class ConsumerSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, int.MaxValue);
    private int _waiting;

    public void PrepareWait()
    {
        Volatile.Write(ref _waiting, 1);
        Interlocked.MemoryBarrier();
    }

    public void CancelWait() => Volatile.Write(ref _waiting, 0);

    public void Notify()
    {
        if (Volatile.Read(ref _waiting) != 0 && Interlocked.Exchange(ref _waiting, 0) != 0)
            _semaphore.Release();
    }

    public Task WaitAsync(CancellationToken cancellationToken) => _semaphore.WaitAsync(cancellationToken);

    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.Wait(timeout, cancellationToken);

    /// <summary>Wakes a waiter unconditionally (used on disposal).</summary>
    public void WakeAll() => _semaphore.Release();
}
