using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class LpmTrieMapTests
{
    private static byte[] Key(uint prefix, params byte[] address)
    {
        var key = new byte[4 + 4];
        BitConverter.TryWriteBytes(key, prefix);
        address.CopyTo(key, 4);
        return key;
    }

    private static EbpfMap NewIpv4Trie() => MapFactory.Create(new MapDefinition(MapType.LpmTrie, 8, 4, 16), "lpm");

    [Fact]
    public void LookupReturnsTheLongestMatchingPrefix()
    {
        using var map = NewIpv4Trie();
        map.Update(Key(8, 10), Bytes.Of(8u));
        map.Update(Key(16, 10, 1), Bytes.Of(16u));
        map.Update(Key(24, 10, 1, 2), Bytes.Of(24u));
        map.Update(Key(0), Bytes.Of(0u));
        Assert.Equal(24u, Bytes.As<uint>(map.Lookup(Key(32, 10, 1, 2, 3))));
        Assert.Equal(16u, Bytes.As<uint>(map.Lookup(Key(32, 10, 1, 3, 3))));
        Assert.Equal(8u, Bytes.As<uint>(map.Lookup(Key(32, 10, 2, 2, 3))));
        Assert.Equal(0u, Bytes.As<uint>(map.Lookup(Key(32, 11, 1, 2, 3))));
        // The query's own prefix length caps the match.
        Assert.Equal(16u, Bytes.As<uint>(map.Lookup(Key(20, 10, 1, 2, 3))));
    }

    [Fact]
    public void MissIsKeyNotFoundAndBitsPastThePrefixAreIgnored()
    {
        using var map = NewIpv4Trie();
        Assert.Equal(EbpfResult.KeyNotFound, map.TryLookup(Key(32, 1, 2, 3, 4), new byte[4]));
        map.Update(Key(12, 192, 0xAF), Bytes.Of(1u)); // 192.160/12 with stray low bits
        Assert.Equal(1u, Bytes.As<uint>(map.Lookup(Key(32, 192, 0xA5, 9, 9))));
        Assert.Equal(EbpfResult.KeyNotFound, map.TryLookup(Key(32, 192, 0xB0, 0, 0), new byte[4]));
        Assert.Equal(new byte[] { 12, 0, 0, 0, 192, 0xA0, 0, 0 }, Assert.Single(map.Keys()));
    }

    [Fact]
    public void PrefixLongerThanTheKeyIsInvalid()
    {
        using var map = NewIpv4Trie();
        Assert.Equal(32, ((LpmTrieMap)map).MaxPrefixLength);
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Key(33, 1), Bytes.Of(1u)));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryLookupAndDelete(Key(8, 1), new byte[4]));
    }

    [Fact]
    public void DeleteRemovesOnlyTheExactPrefix()
    {
        using var map = NewIpv4Trie();
        map.Update(Key(8, 10), Bytes.Of(8u));
        map.Update(Key(16, 10, 1), Bytes.Of(16u));
        Assert.Equal(EbpfResult.KeyNotFound, map.TryDelete(Key(24, 10, 1, 1)));
        map.Delete(Key(16, 10, 1));
        Assert.Equal(8u, Bytes.As<uint>(map.Lookup(Key(32, 10, 1, 1, 1))));
        uint value = 5;
        byte[] key = Key(24, 10, 1, 1);
        fixed (byte* k = key)
        {
            Assert.Equal(0, map.UpdateFromProgram(k, (byte*)&value, 0));
            Assert.Equal(5u, *(uint*)map.LookupForProgram(k));
            Assert.Equal(0, map.DeleteFromProgram(k));
            Assert.Equal(8u, *(uint*)map.LookupForProgram(k));
            Assert.Equal(-(int)EbpfResult.KeyNotFound, map.DeleteFromProgram(k));
        }
    }

    [Fact]
    public void MatchesABruteForceModel()
    {
        var random = new Random(7);
        using var map = MapFactory.Create(new MapDefinition(MapType.LpmTrie, 6, 4, 512), "lpm16");
        var model = new Dictionary<(int Length, ushort Bits), uint>();
        for (int i = 0; i < 300; i++)
        {
            int length = random.Next(17);
            ushort bits = (ushort)(random.Next(65536) & (length == 0 ? 0 : 0xFFFF << (16 - length)));
            var key = new byte[6];
            BitConverter.TryWriteBytes(key, (uint)length);
            key[4] = (byte)(bits >> 8);
            key[5] = (byte)bits;
            map.Update(key, Bytes.Of((uint)i));
            model[(length, bits)] = (uint)i;
        }
        for (int i = 0; i < 2000; i++)
        {
            ushort address = (ushort)random.Next(65536);
            int queryLength = random.Next(17);
            uint? expected = null;
            for (int length = queryLength; length >= 0 && expected is null; length--)
            {
                ushort masked = (ushort)(address & (length == 0 ? 0 : 0xFFFF << (16 - length)));
                if (model.TryGetValue((length, masked), out uint v)) expected = v;
            }
            var query = new byte[6];
            BitConverter.TryWriteBytes(query, (uint)queryLength);
            query[4] = (byte)(address >> 8);
            query[5] = (byte)address;
            var value = new byte[4];
            var result = map.TryLookup(query, value);
            if (expected is null) Assert.Equal(EbpfResult.KeyNotFound, result);
            else Assert.Equal(expected.Value, Bytes.As<uint>(value));
        }
    }
}
