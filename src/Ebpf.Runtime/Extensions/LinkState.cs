namespace Ebpf.Runtime.Extensions;

/// <summary>The link state machine of eBPF for Windows: INITIAL -> ATTACHING -> ATTACHED -> DETACHING -> DETACHED.</summary>
public enum LinkState
{
    Initial = 0,
    Attaching = 1,
    Attached = 2,
    Detaching = 3,
    Detached = 4,
}
