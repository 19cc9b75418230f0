using Ebpf.Service.Protocol;
using Grpc.Core;

namespace Ebpf.Service;

/// <summary>The gRPC face of <see cref="DaemonState"/>: one call per request, nothing else.</summary>
internal sealed class EbpfDaemonService(DaemonState state) : Protocol.EbpfDaemon.EbpfDaemonBase
{
    private static readonly Protocol.Empty Done = new();

    public override Task<ProgramList> ListPrograms(Protocol.Empty request, ServerCallContext context) => Task.FromResult(state.ListPrograms());
    public override Task<ProgramInfo> ShowProgram(ProgramRef request, ServerCallContext context) => Task.FromResult(state.ShowProgram(request.Id));
    public override Task<LoadReply> LoadObject(LoadRequest request, ServerCallContext context) => Task.FromResult(state.Load(request));
    public override Task<PinReply> PinProgram(PinProgramRequest request, ServerCallContext context) => Task.FromResult(state.PinProgram(request.Id, request.Path));
    public override Task<UnloadReply> UnloadProgram(ProgramRef request, ServerCallContext context) => Task.FromResult(state.Unload(request.Id));
    public override Task<MapList> ListMaps(Protocol.Empty request, ServerCallContext context) => Task.FromResult(state.ListMaps());
    public override Task<MapDump> DumpMap(MapRef request, ServerCallContext context) => Task.FromResult(state.Dump(request));
    public override Task<MapEntry> LookupMap(MapKeyRequest request, ServerCallContext context) => Task.FromResult(state.Lookup(request));

    public override Task<Protocol.Empty> UpdateMap(MapUpdateRequest request, ServerCallContext context)
    {
        state.Update(request);
        return Task.FromResult(Done);
    }

    public override Task<Protocol.Empty> DeleteMapEntry(MapKeyRequest request, ServerCallContext context)
    {
        state.Delete(request);
        return Task.FromResult(Done);
    }

    public override Task<LinkList> ListLinks(Protocol.Empty request, ServerCallContext context) => Task.FromResult(state.ListLinks());
    public override Task<LinkInfo> Attach(AttachRequest request, ServerCallContext context) => Task.FromResult(state.Attach(request));

    public override Task<Protocol.Empty> Detach(LinkRef request, ServerCallContext context)
    {
        state.Detach(request.Id);
        return Task.FromResult(Done);
    }

    public override Task<PinList> ListPins(Protocol.Empty request, ServerCallContext context) => Task.FromResult(state.ListPins());
}
