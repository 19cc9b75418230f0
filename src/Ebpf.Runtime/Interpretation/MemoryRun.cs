namespace Ebpf.Runtime.Interpretation;

/// <summary>Runs a program the way the executors take a request.</summary>
public delegate ulong RequestRunner(in ExecutionRequest request);

/// <summary>
/// The bpf_conformance convention shared by the engines: r1 = address of the memory, r2 = its length; the memory is
/// also the packet for legacy loads and, in checked mode, a read-write region.
/// </summary>
internal static unsafe class MemoryRun
{
    public static ulong Run(Span<byte> memory, object? helperState, RequestRunner run)
    {
        fixed (byte* data = memory)
        {
            var region = new MemoryRegion((ulong)data, (ulong)memory.Length, MemoryAccess.ReadWrite, "memory");
            return run(new ExecutionRequest
            {
                R1 = (ulong)data,
                R2 = (ulong)memory.Length,
                Regions = new ReadOnlySpan<MemoryRegion>(in region),
                Packet = region,
                HelperState = helperState,
            });
        }
    }
}
