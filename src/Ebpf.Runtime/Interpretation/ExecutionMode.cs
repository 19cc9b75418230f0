namespace Ebpf.Runtime.Interpretation;

public enum ExecutionMode
{
    /// <summary>Memory accesses go straight to host memory (the program must have been verified).</summary>
    Unchecked,
    /// <summary>Every load/store is checked against the run's regions; a stray access faults instead of touching the host.</summary>
    Checked,
}
