namespace Ebpf.Runtime.Maps;

/// <summary>A map operation from the user-mode API failed; <see cref="EbpfException.Result"/> says how.</summary>
public sealed class EbpfMapException : EbpfException
{
    public EbpfMapException(EbpfResult result, string message) : base(result, message) { }
}
