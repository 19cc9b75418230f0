using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Fuzz;

/// <summary>
/// A verifier that remembers verdicts. Most whole-file mutations land in BTF, strings or debug information and leave a
/// program as the verifier sees it unchanged; verification is deterministic, so its verdict for the same inputs can
/// be reused. The key is a SHA-256 of every input <see cref="IProgramVerifier.Verify"/> takes: the instructions (map
/// references in object form, so the map definitions they index are part of it, all fields, inner templates and the
/// ABI's type number included), the program type (ABI, type guid, name; the harness's extensions are fixed, so these
/// determine the context layout and the helpers), the BTF-resolved functions and the global functions' argument
/// types. The program's name only labels messages and is left out. Every input still goes through the full loader:
/// only the analysis is skipped.
/// </summary>
public sealed class MemoizedVerifier(IProgramVerifier inner, int capacity = 200_000) : IProgramVerifier
{
    private readonly ConcurrentDictionary<UInt128, ProgramVerificationFailure?> _verdicts = new();
    private long _hits, _misses;

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    public ProgramVerificationFailure? Verify(string programName, ImmutableArray<Instruction> instructions, ProgramInformation information,
        IReadOnlyList<MapDefinition> maps, IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? globalFunctions = null)
    {
        var key = KeyOf(instructions, information, maps, globalFunctions);
        if (_verdicts.TryGetValue(key, out var verdict))
        {
            Interlocked.Increment(ref _hits);
            return verdict;
        }
        Interlocked.Increment(ref _misses);
        verdict = inner.Verify(programName, instructions, information, maps, globalFunctions);
        // Bounded: a long run sees millions of distinct programs; starting over costs only repeated analyses.
        if (_verdicts.Count >= capacity) _verdicts.Clear();
        _verdicts[key] = verdict;
        return verdict;
    }

    private static UInt128 KeyOf(ImmutableArray<Instruction> instructions, ProgramInformation information,
        IReadOnlyList<MapDefinition> maps, IReadOnlyDictionary<int, ImmutableArray<FunctionArgument>>? globalFunctions)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(instructions.Length));
        Span<byte> slot = stackalloc byte[Instruction.Size];
        foreach (var instruction in instructions)
        {
            instruction.Write(slot);
            hash.AppendData(slot);
        }
        var text = new StringBuilder()
            .Append('|').Append(information.Abi.Name).Append('|').Append(information.Descriptor.ProgramType)
            .Append('|').Append(information.Descriptor.Name);
        foreach (var function in information.BtfFunctions)
            text.Append("|btf ").Append(function).Append(string.Join(",", function.Arguments));
        // Records print every property, an inner template's included.
        foreach (var map in maps) text.Append("|map ").Append(map);
        foreach (var (start, arguments) in (globalFunctions ?? new Dictionary<int, ImmutableArray<FunctionArgument>>()).OrderBy(g => g.Key))
            text.Append("|global ").Append(start).Append(':').Append(string.Join(",", arguments));
        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
    }
}
