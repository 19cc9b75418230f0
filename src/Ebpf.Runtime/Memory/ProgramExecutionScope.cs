namespace Ebpf.Runtime.Memory;

/// <summary>
/// What the runtime wraps around every program invocation: an epoch (map value pointers stay valid) and a
/// processor-slot lease (per-CPU maps see one stable, exclusive slot). <c>using var scope = ProgramExecutionScope.Enter();</c>
/// </summary>
public readonly struct ProgramExecutionScope : IDisposable
{
    private readonly EpochScope _epoch;
    private readonly bool _leased;

    private ProgramExecutionScope(EpochScope epoch, int processor, bool leased)
    {
        _epoch = epoch;
        Processor = processor;
        _leased = leased;
    }

    /// <summary>
    /// The leased slot, i.e. what <c>bpf_get_smp_processor_id</c> reports during this invocation; without a lease,
    /// the current processor's slot when the scope was entered.
    /// </summary>
    public int Processor { get; }

    public static ProgramExecutionScope Enter() => Enter(EpochManager.Shared);

    public static ProgramExecutionScope Enter(EpochManager epochs) => Enter(epochs, leaseProcessor: true);

    /// <summary>
    /// Enters an epoch and, when <paramref name="leaseProcessor"/>, leases a processor slot: code that touches no
    /// per-CPU state (no per-CPU map, no processor id) needs only the epoch.
    /// </summary>
    public static ProgramExecutionScope Enter(EpochManager epochs, bool leaseProcessor)
    {
        int processor = leaseProcessor ? ProcessorSlots.Acquire() : ProcessorSlots.Current;
        return new ProgramExecutionScope(epochs.Enter(), processor, leaseProcessor);
    }

    public void Dispose()
    {
        _epoch.Dispose();
        if (_leased) ProcessorSlots.Release();
    }
}
