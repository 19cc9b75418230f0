namespace Ebpf.Runtime.Maps;

/// <summary>
/// What a PROG_ARRAY stores: a loaded program as far as maps care. The runtime's program class implements it.
/// </summary>
public interface IProgramReference
{
    /// <summary>Program-type GUID; the first program stored in a PROG_ARRAY fixes the array's type.</summary>
    Guid ProgramType { get; }

    /// <summary>Program ID reported by user-mode lookups of a PROG_ARRAY.</summary>
    uint Id { get; }
}
