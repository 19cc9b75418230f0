using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Maps;

/// <summary>A seeded 64-bit multiply-xorshift hash over a key's bytes, folded to 32 bits.</summary>
internal static unsafe class KeyHasher
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(byte* key, int length, ulong seed)
    {
        ulong h = seed ^ ((ulong)length * 0x9E3779B97F4A7C15UL);
        int i = 0;
        for (; i + 8 <= length; i += 8)
            h = Mix(h ^ Unsafe.ReadUnaligned<ulong>(key + i));
        if (i < length)
        {
            ulong tail = 0;
            for (int shift = 0; i < length; i++, shift += 8)
                tail |= (ulong)key[i] << shift;
            h = Mix(h ^ tail);
        }
        else if (length == 0)
        {
            h = Mix(h);
        }
        return (uint)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
