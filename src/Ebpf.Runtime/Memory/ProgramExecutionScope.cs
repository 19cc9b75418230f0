namespace Ebpf.Runtime.Memory;

/// <summary>
/// What the runtime wraps around every program invocation: an epoch (map value pointers stay valid) and a
/// processor-slot lease (per-CPU maps see one stable, exclusive slot). <c>using var scope = ProgramExecutionScope.Enter();</c>
/// </summary>
public readonly struct ProgramExecutionScope : IDisposable
{
    private readonly EpochScope _epoch;

    private ProgramExecutionScope(EpochScope epoch, int processor)
    {
        _epoch = epoch;
        Processor = processor;
    }

    /// <summary>The leased slot, i.e. what <c>bpf_get_smp_processor_id</c> reports during this invocation.</summary>
    public int Processor { get; }

    public static ProgramExecutionScope Enter() => Enter(EpochManager.Shared);

    public static ProgramExecutionScope Enter(EpochManager epochs)
    {
        int processor = ProcessorSlots.Acquire();
        return new ProgramExecutionScope(epochs.Enter(), processor);
    }

    public void Dispose()
    {
        _epoch.Dispose();
        ProcessorSlots.Release();
    }
}
