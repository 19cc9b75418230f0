namespace Ebpf.Extensions.Net;

/// <summary><c>bind_action_t</c>: PERMIT_SOFT (alias PERMIT), DENY, REDIRECT, PERMIT_HARD.</summary>
public enum BindVerdict : uint
{
    PermitSoft = 0,
    Deny = 1,
    Redirect = 2,
    PermitHard = 3,
}
