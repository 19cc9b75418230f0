namespace Ebpf.Extensions.Sample;

/// <summary><c>sample_program_context_t</c> (32 bytes).</summary>
public static class SampleContextLayout
{
    public const int Size = 32;
    public const int DataStart = 0;
    public const int DataEnd = 8;
    public const int Uint32Data = 16;
    public const int Uint16Data = 20;
    public const int HelperData1 = 24;
    public const int HelperData2 = 28;
}
