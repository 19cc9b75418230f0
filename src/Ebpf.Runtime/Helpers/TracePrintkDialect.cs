namespace Ebpf.Runtime.Helpers;

/// <summary>
/// How one ABI's trace_printk reads its format (<see cref="TracePrintkFormat"/>): eBPF for Windows formats with the
/// Windows C library (LLP64: <c>l</c> is 32 bits) and wants exactly one argument per conversion; Linux's
/// bpf_trace_printk (LP64) takes up to three arguments as its conversions ask, allows flags and a width, and wants
/// the format's last byte to be its terminator; it returns the length of what it printed whether anyone reads the
/// trace or not, where eBPF for Windows returns 0 when nobody does.
/// </summary>
/// <param name="Conversions">The conversion characters allowed (besides <c>%%</c>).</param>
public sealed record TracePrintkDialect(bool LongIs64Bits, bool OneArgumentPerConversion, bool FlagsAndWidth, bool TerminatorLast,
    bool AlwaysFormats, string Conversions)
{
    public static TracePrintkDialect Windows { get; } = new(LongIs64Bits: false, OneArgumentPerConversion: true, FlagsAndWidth: false,
        TerminatorLast: false, AlwaysFormats: false, Conversions: "diux");

    /// <summary>Strings and pointers (<c>%s</c>, <c>%p</c>) are refused: nothing proves here that such an argument is readable.</summary>
    public static TracePrintkDialect Linux { get; } = new(LongIs64Bits: true, OneArgumentPerConversion: false, FlagsAndWidth: true,
        TerminatorLast: true, AlwaysFormats: true, Conversions: "diuxXc");
}
