using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class ProgramArrayMapTests
{
    private sealed record FakeProgram(Guid ProgramType, uint Id) : IProgramReference;

    private sealed class Resolver(params IProgramReference[] programs) : IProgramResolver
    {
        public IProgramReference? ResolveProgram(uint id) => programs.FirstOrDefault(p => p.Id == id);
    }

    private static readonly Guid Xdp = Guid.Parse("ce8ccef8-4241-4975-984d-bb3921dfa73c");
    private static readonly Guid Bind = Guid.Parse("608c517c-6c52-4a26-b677-bb1c34425adf");

    [Fact]
    public void TheFirstProgramFixesTheType()
    {
        var a = new FakeProgram(Xdp, 11);
        var b = new FakeProgram(Bind, 12);
        using var map = MapFactory.Create(new MapDefinition(MapType.ProgArray, 4, 4, 4), "jmp", programResolver: new Resolver(a, b));
        var programs = (ProgramArrayMap)map;
        Assert.Null(programs.ProgramType);
        map.Update(Bytes.Of(0u), Bytes.Of(11u));
        Assert.Equal(Xdp, programs.ProgramType);
        Assert.Equal(EbpfResult.InvalidFd, map.TryUpdate(Bytes.Of(1u), Bytes.Of(12u)));
        var error = Assert.Throws<EbpfMapException>(() => programs.SetProgram(1, b));
        Assert.Equal(EbpfResult.InvalidFd, error.Result);
        Assert.Equal(EbpfResult.InvalidFd, map.TryUpdate(Bytes.Of(1u), Bytes.Of(99u)));
        Assert.Same(a, programs.GetProgram(0));
        Assert.Null(programs.GetProgram(1));
        Assert.Null(programs.GetProgram(100));
        Assert.Equal(11u, Bytes.As<uint>(map.Lookup(Bytes.Of(0u))));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(Bytes.Of(1u), new byte[4]));
        map.Delete(Bytes.Of(0u));
        Assert.Null(programs.GetProgram(0));
        Assert.Equal(EbpfResult.InvalidFd, programs.TryBindProgramType(Bind));
    }

    [Fact]
    public void ProgramsCannotTouchAProgramArray()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.ProgArray, 4, 4, 4), "jmp");
        uint key = 0, value = 0;
        Assert.True(map.LookupForProgram((byte*)&key) == null);
        Assert.Equal(-(int)EbpfResult.OperationNotSupported, map.UpdateFromProgram((byte*)&key, (byte*)&value, 0));
        Assert.Equal(-(int)EbpfResult.OperationNotSupported, map.DeleteFromProgram((byte*)&key));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Bytes.Of(4u), Bytes.Of(1u)));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryDelete(Bytes.Of(4u)));
        Assert.Equal(EbpfResult.InvalidFd, map.TryUpdate(Bytes.Of(0u), Bytes.Of(1u)));
    }
}
