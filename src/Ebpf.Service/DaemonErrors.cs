using Grpc.Core;

namespace Ebpf.Service;

/// <summary>The daemon's refusals of a request: a gRPC status with a message naming what is at fault.</summary>
internal static class DaemonErrors
{
    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));
    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));
    public static RpcException AlreadyExists(string message) => new(new Status(StatusCode.AlreadyExists, message));
    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));
}
