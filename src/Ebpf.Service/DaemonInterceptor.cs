using Ebpf.Elf;
using Ebpf.Runtime.Maps;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;

namespace Ebpf.Service;

/// <summary>
/// Every request passes here: the caller's peer credentials (read when it connected) are checked against the
/// <see cref="AccessRule"/>, and what the runtime throws becomes a gRPC status whose message names what is at
/// fault. Nothing a request does brings the daemon down.
/// </summary>
internal sealed class DaemonInterceptor(AccessRule rule) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        string method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var peer = context.GetHttpContext().Features.Get<PeerCredentials>();
        if (rule.Refusal(peer, method) is { } refusal) throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (EbpfException e)
        {
            throw new RpcException(new Status(StatusOf(e.Result), e.Message));
        }
        catch (BpfObjectException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"not a loadable object: {e.Message}"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ObjectDisposedException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{method}: {e.Message}"));
        }
        catch (Exception e)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"{method} failed inside the daemon: {e.GetType().Name}: {e.Message}"));
        }
    }

    private static StatusCode StatusOf(EbpfResult result) => result switch
    {
        EbpfResult.InvalidArgument or EbpfResult.ElfParsingFailed or EbpfResult.VerificationFailed or EbpfResult.ProgramLoadFailed
            or EbpfResult.ProgramTooLarge or EbpfResult.InvalidPointer => StatusCode.InvalidArgument,
        EbpfResult.ObjectNotFound or EbpfResult.KeyNotFound or EbpfResult.FileNotFound => StatusCode.NotFound,
        EbpfResult.ObjectAlreadyExists or EbpfResult.AlreadyPinned or EbpfResult.KeyAlreadyExists => StatusCode.AlreadyExists,
        EbpfResult.NoMemory or EbpfResult.OutOfSpace or EbpfResult.InsufficientBuffer => StatusCode.ResourceExhausted,
        EbpfResult.AccessDenied or EbpfResult.BlockedByPolicy => StatusCode.PermissionDenied,
        EbpfResult.OperationNotSupported => StatusCode.Unimplemented,
        _ => StatusCode.FailedPrecondition,
    };
}
