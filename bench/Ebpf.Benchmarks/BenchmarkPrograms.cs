namespace Ebpf.Benchmarks;

/// <summary>Loop-heavy programs in the conformance assembly syntax.</summary>
public static class BenchmarkPrograms
{
    /// <summary>Primes below 10000 by trial division (answer: 1229). Mostly ALU, compares and backward jumps.</summary>
    public const string PrimeCount = """
        # r0 = number of primes below 10000
        mov %r0, 0
        mov %r1, 2                 # candidate
        outer:
        jge %r1, 10000, done
        mov %r2, 2                 # divisor
        inner:
        mov %r3, %r2
        mul %r3, %r2
        jgt %r3, %r1, prime        # divisor^2 > candidate: no divisor found
        mov %r4, %r1
        mod %r4, %r2
        jeq %r4, 0, next
        add %r2, 1
        ja inner
        prime:
        add %r0, 1
        next:
        add %r1, 1
        ja outer
        done:
        exit
        """;

    public const ulong PrimeCountAnswer = 1229;
}
