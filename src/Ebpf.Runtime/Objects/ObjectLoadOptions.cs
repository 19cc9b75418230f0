using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Objects;

/// <summary>How <see cref="EbpfRuntime.Load(Ebpf.Elf.BpfObject, ObjectLoadOptions?)"/> loads an object's programs.</summary>
public sealed record ObjectLoadOptions
{
    /// <summary>The engine every program runs on.</summary>
    public ExecutionEngine Engine { get; init; } = ExecutionEngine.Jit;

    /// <summary>
    /// Skip verification: meant for tests and debugging. Unless <see cref="Mode"/> says otherwise, unverified
    /// programs run in checked mode, so a bad access faults instead of corrupting the process.
    /// </summary>
    public bool Unverified { get; init; }

    /// <summary>Checked or unchecked; null: checked exactly when <see cref="Unverified"/>.</summary>
    public ExecutionMode? Mode { get; init; }

    /// <summary>Instructions one run may execute (0: unlimited); guards unverified programs against endless loops.</summary>
    public long InstructionBudget { get; init; }

    /// <summary>
    /// The ABI the object is compiled for (its helper ids, map type numbers, section names). Null: the one its
    /// sections and helper calls belong to (<see cref="ObjectAbi"/>), eBPF for Windows' when no extension claims its
    /// sections; needed where program types of two ABIs claim them alike and fit its helper calls (as <c>--platform</c>).
    /// </summary>
    public Ebpf.Platform.PlatformAbi? Abi { get; init; }

    /// <summary>
    /// Load only the entry programs of these program types (libbpf's per-program autoload); the others are left out
    /// and <see cref="LoadedObject.Skipped"/> says why. Null loads every entry program.
    /// </summary>
    public IReadOnlySet<Guid>? ProgramTypes { get; init; }

    /// <summary>Limits every map definition of the object must respect (memory ceiling); <see cref="MapLimits.Default"/> when null.</summary>
    public MapLimits? MapLimits { get; init; }

    /// <summary>A native module's compiled programs by name: these load with the module's code and hash, unverified.</summary>
    internal IReadOnlyDictionary<string, Native.NativeProgramCode>? NativePrograms { get; init; }

    public static ObjectLoadOptions Default { get; } = new();
}
