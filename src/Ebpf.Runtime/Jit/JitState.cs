using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// The machine state a program compiled as several regions (methods) hands from one region to the next: the
/// registers and the call model's bookkeeping. Inside a region the registers live in locals; they pass through here
/// only when control leaves the region. Public only so that generated code may use it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[StructLayout(LayoutKind.Sequential)]
public struct JitState
{
    public ulong R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    /// <summary>Local-call depth and the frame-save area (r6-r9 and return sites), as in a one-method program.</summary>
    public int Depth;
    public nint Saves;

    /// <summary>Instructions executed so far, when the run has a budget.</summary>
    public long Executed;

    /// <summary>The legacy packet (ABS/IND loads).</summary>
    public ulong Packet, PacketLength;
}
