using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public class EbpfResultTests
{
    [Fact]
    public void ResultCodesMatchTheFactsSheet()
    {
        Assert.Equal(35, Enum.GetValues<EbpfResult>().Length);
        Assert.Equal(Enumerable.Range(0, 35), Enum.GetValues<EbpfResult>().Select(r => (int)r));
        Assert.Equal(29, (int)EbpfResult.OutOfSpace);
        Assert.Equal(25, (int)EbpfResult.NoMoreKeys);
        Assert.Equal("EBPF_OBJECT_ALREADY_EXISTS (8)", EbpfException.Describe(EbpfResult.ObjectAlreadyExists));
        Assert.Equal("EBPF_INVALID_FD (4)", EbpfException.Describe(EbpfResult.InvalidFd));
    }
}
