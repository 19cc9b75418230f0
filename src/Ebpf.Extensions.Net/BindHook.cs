using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>
/// The bind hook. Context <c>bind_md_t</c> (56 bytes): app_id_start/end @0/@8, process_id @16, socket_address
/// @24 (16 bytes), its length @40, operation @44, protocol @48. Programs run in order until one returns anything
/// but PERMIT_SOFT.
/// </summary>
public sealed class BindHook() : HookProvider("Ebpf.Extensions.Net/bind", WellKnownAttachTypes.Bind, WellKnownProgramTypes.BindGuid)
{
    public const int ProcessIdOffset = 16;
    public const int SocketAddressOffset = 24;
    public const int SocketAddressCapacity = 16;
    public const int SocketAddressLengthOffset = 40;
    public const int OperationOffset = 44;
    public const int ProtocolOffset = 48;

    public unsafe BindResult Invoke(BindRequest request)
    {
        if (request.SocketAddress.Length > SocketAddressCapacity)
            throw new ArgumentException($"A socket address has at most {SocketAddressCapacity} bytes; got {request.SocketAddress.Length}.", nameof(request));
        using var ctx = NetContexts.Bind(request.ApplicationId);
        var b = ctx.ContextBytes;
        BinaryPrimitives.WriteUInt64LittleEndian(b[ProcessIdOffset..], request.ProcessId);
        request.SocketAddress.CopyTo(b[SocketAddressOffset..]);
        b[SocketAddressLengthOffset] = (byte)request.SocketAddress.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(b[OperationOffset..], (uint)request.Operation);
        b[ProtocolOffset] = (byte)request.Protocol;

        var verdict = BindVerdict.PermitSoft;
        string? decidedBy = null;
        int ran = Invoke(ctx.Context, (link, r0) =>
        {
            verdict = r0 <= (ulong)BindVerdict.PermitHard ? (BindVerdict)r0 : BindVerdict.Deny;
            if (verdict != BindVerdict.PermitSoft) decidedBy = link.Program.Name;
            return verdict == BindVerdict.PermitSoft;
        });
        int length = Math.Min(b[SocketAddressLengthOffset], (byte)SocketAddressCapacity);
        return new BindResult(verdict, b.Slice(SocketAddressOffset, length).ToArray(), ran) { DecidedBy = decidedBy };
    }
}
