namespace Ebpf.Verifier.Platforms;

/// <summary>What a map's values are to the verifier: plain data, program references (tail calls), or maps.</summary>
public enum MapValueKind
{
    Data,
    Programs,
    Maps,
}
