using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class HashTableEpochTests
{
    [Fact]
    public void ADeletedEntryStaysReadableForAReaderInsideItsEpoch()
    {
        var epochs = new EpochManager();
        var table = new HashTable(4, 8, 16, lru: false, epochs);
        uint key = 3;
        ulong value = 0xABCDEF;
        using (epochs.Enter()) Assert.Equal(EbpfResult.Success, table.Update((byte*)&key, (byte*)&value, 0, 8, false, MapUpdateFlags.Any));

        using var found = new ManualResetEventSlim();
        using var deleted = new ManualResetEventSlim();
        ulong seenAfterDelete = 0;
        var reader = new Thread(() =>
        {
            using (epochs.Enter())
            {
                uint k = 3;
                byte* pointer = table.Find((byte*)&k);
                found.Set();
                deleted.Wait();
                seenAfterDelete = *(ulong*)pointer;
            }
        });
        reader.Start();
        found.Wait();
        using (epochs.Enter()) Assert.Equal(EbpfResult.Success, table.Delete((byte*)&key));
        Assert.Equal(1, epochs.PendingCount);
        Assert.Equal(0, epochs.Reclaim());
        deleted.Set();
        reader.Join();
        Assert.Equal(0xABCDEFul, seenAfterDelete);
        Assert.Equal(1, epochs.Reclaim());
        Assert.Equal(0, epochs.PendingCount);
        table.FreeAll();
    }

    [Fact]
    public void ReplacedEntriesAreRetiredAndLookupsSeeTheNewOne()
    {
        var epochs = new EpochManager();
        var table = new HashTable(4, 8, 16, lru: false, epochs);
        uint key = 1;
        ulong first = 1, second = 2;
        using (epochs.Enter())
        {
            table.Update((byte*)&key, (byte*)&first, 0, 8, false, MapUpdateFlags.Any);
            byte* old = table.Find((byte*)&key);
            table.Update((byte*)&key, (byte*)&second, 0, 8, false, MapUpdateFlags.Any);
            Assert.Equal(1ul, *(ulong*)old);
            Assert.Equal(2ul, *(ulong*)table.Find((byte*)&key));
            Assert.Equal(1, table.Count);
        }
        epochs.Synchronize();
        Assert.Equal(1, epochs.FreedCount);
        table.FreeAll();
    }
}
