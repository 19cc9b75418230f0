namespace Ebpf.Extensions.Net;

/// <summary><c>bind_operation_t</c>.</summary>
public enum BindOperation : uint
{
    Bind = 0,
    PostBind = 1,
    Unbind = 2,
}
