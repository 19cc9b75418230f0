namespace Ebpf.Runtime.Extensions;

/// <summary>How a hook reads each program's return value: false stops the walk over the attached programs.</summary>
public interface IHookVerdictRule
{
    bool Continue(Link link, ulong returnValue);
}
