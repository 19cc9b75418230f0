namespace Ebpf.Runtime.Maps;

/// <summary>Turns the 4-byte program id a user-mode PROG_ARRAY update carries into a program.</summary>
public interface IProgramResolver
{
    IProgramReference? ResolveProgram(uint id);
}
