using CsCheck;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

/// <summary>Random operation sequences against a dictionary model.</summary>
public class HashMapModelTests
{
    private static readonly Gen<(int Op, byte Key, ulong Value, int Flags)> Operation =
        Gen.Select(Gen.Int[0, 4], Gen.Byte[0, 40], Gen.ULong, Gen.Int[0, 2]);

    [Fact]
    public void HashMapBehavesLikeABoundedDictionary() =>
        Operation.Array[1, 200].Sample(operations =>
        {
            const int capacity = 24;
            using var map = MapFactory.Create(new MapDefinition(MapType.Hash, 1, 8, capacity), "model");
            var model = new Dictionary<byte, ulong>();
            var buffer = new byte[8];
            foreach (var (op, key, value, flags) in operations)
            {
                byte[] k = [key];
                switch (op)
                {
                    case 0:
                    case 1:
                    {
                        var result = map.TryUpdate(k, Bytes.Of(value), (MapUpdateFlags)flags);
                        bool present = model.ContainsKey(key);
                        var expected = (flags, present) switch
                        {
                            (1, true) => EbpfResult.ObjectAlreadyExists,
                            (2, false) => EbpfResult.KeyNotFound,
                            (_, false) when model.Count == capacity => EbpfResult.OutOfSpace,
                            _ => EbpfResult.Success,
                        };
                        Assert.Equal(expected, result);
                        if (result == EbpfResult.Success) model[key] = value;
                        break;
                    }
                    case 2:
                        Assert.Equal(model.Remove(key) ? EbpfResult.Success : EbpfResult.KeyNotFound, map.TryDelete(k));
                        break;
                    case 3:
                    {
                        var result = map.TryLookup(k, buffer);
                        if (model.TryGetValue(key, out var stored))
                        {
                            Assert.Equal(EbpfResult.Success, result);
                            Assert.Equal(stored, Bytes.As<ulong>(buffer));
                        }
                        else Assert.Equal(EbpfResult.ObjectNotFound, result);
                        break;
                    }
                    default:
                    {
                        var result = map.TryLookupAndDelete(k, buffer);
                        if (model.Remove(key, out var stored))
                        {
                            Assert.Equal(EbpfResult.Success, result);
                            Assert.Equal(stored, Bytes.As<ulong>(buffer));
                        }
                        else Assert.Equal(EbpfResult.ObjectNotFound, result);
                        break;
                    }
                }
            }
            Assert.Equal(model.Keys.Order(), map.Keys().Select(k => k[0]).Order());
        }, iter: 300);
}
