using BenchmarkDotNet.Attributes;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.MapBenchmarks;

/// <summary>
/// ns per map operation (each benchmark runs <see cref="Operations"/> operations over as many keys, all present):
/// the program-facing pointer API as a helper call would use it (inside a <see cref="ProgramExecutionScope"/>
/// entered once per batch, the way test-run batches invocations) and the user-mode copy API.
/// </summary>
[MemoryDiagnoser]
public unsafe class MapOperationBenchmarks
{
    private const int Operations = 1024;

    private EbpfMap _map = null!;
    private byte[] _keys = null!;
    private byte[] _values = null!;
    private int _keySize;

    [Params(MapType.Hash, MapType.Array, MapType.PercpuHash, MapType.PercpuArray, MapType.LruHash, MapType.LpmTrie)]
    public MapType Type { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keySize = Type == MapType.LpmTrie ? 8 : 4;
        _map = MapFactory.Create(new MapDefinition(Type, (uint)_keySize, 8, Operations), "bench");
        _keys = new byte[Operations * _keySize];
        _values = new byte[_map.UserValueSize];
        for (int i = 0; i < Operations; i++)
        {
            var key = _keys.AsSpan(i * _keySize, _keySize);
            if (Type == MapType.LpmTrie)
            {
                // /32 prefixes 10.x.y.z stored under a /16 and /24 mix: lookups probe several lengths.
                BitConverter.TryWriteBytes(key, 32u);
                key[4] = 10; key[5] = (byte)(i >> 8); key[6] = (byte)i; key[7] = 1;
                var stored = key.ToArray();
                BitConverter.TryWriteBytes(stored, i % 2 == 0 ? 24u : 16u);
                _map.TryUpdate(stored, _values);
            }
            else
            {
                BitConverter.TryWriteBytes(key, (uint)i);
                _map.Update(key, _values);
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _map.Dispose();

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong ProgramLookup()
    {
        ulong sum = 0;
        using var scope = ProgramExecutionScope.Enter();
        fixed (byte* keys = _keys)
        {
            for (int i = 0; i < Operations; i++)
                sum += *(ulong*)_map.LookupForProgram(keys + i * _keySize);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int ProgramUpdate()
    {
        int failures = 0;
        ulong value = 7;
        using var scope = ProgramExecutionScope.Enter();
        fixed (byte* keys = _keys)
        {
            for (int i = 0; i < Operations; i++)
                failures += _map.UpdateFromProgram(keys + i * _keySize, (byte*)&value, 0) != 0 ? 1 : 0;
        }
        return failures;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int UserLookup()
    {
        int found = 0;
        for (int i = 0; i < Operations; i++)
            found += _map.TryLookup(_keys.AsSpan(i * _keySize, _keySize), _values) == EbpfResult.Success ? 1 : 0;
        return found;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public int UserUpdate()
    {
        int failures = 0;
        for (int i = 0; i < Operations; i++)
            failures += _map.TryUpdate(_keys.AsSpan(i * _keySize, _keySize), _values) != EbpfResult.Success ? 1 : 0;
        return failures;
    }

    /// <summary>Cost of the per-invocation scope itself (epoch enter/exit + processor lease).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int ExecutionScope()
    {
        int total = 0;
        for (int i = 0; i < Operations; i++)
        {
            using var scope = ProgramExecutionScope.Enter();
            total += scope.Processor;
        }
        return total;
    }
}
