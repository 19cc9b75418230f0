using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Extensions.Process;

/// <summary>
/// The process type's helpers (65536-65538). Each copies a UTF-16 string of the event into the program's buffer
/// and returns the bytes copied, 0 for an empty string, -22 when the buffer is too small, -2 when unresolvable.
/// </summary>
public static class ProcessHelpers
{
    public const uint GetImagePathId = 65536;
    public const uint GetAccountNameId = 65537;
    public const uint GetAccountDomainId = 65538;

    private const ulong EInval = unchecked((ulong)-22L);
    private const ulong ENoEnt = unchecked((ulong)-2L);

    private static readonly ArgumentType[] StringArgs = [ArgumentType.PtrToCtx, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize];

    public static IReadOnlyList<(HelperPrototype, HelperFunction)> All { get; } =
    [
        (new HelperPrototype(GetImagePathId, "bpf_process_get_image_path", ReturnType.Integer, StringArgs), GetImagePath),
        (new HelperPrototype(GetAccountNameId, "bpf_process_get_account_name", ReturnType.Integer, StringArgs), GetAccountName),
        (new HelperPrototype(GetAccountDomainId, "bpf_process_get_account_domain", ReturnType.Integer, StringArgs), GetAccountDomain),
    ];

    public static ulong GetImagePath(ulong ctx, ulong buffer, ulong size, ulong r4, ulong r5, ref HelperCallContext call) =>
        Copy(EventOf(ctx)?.ImagePath, buffer, size, ref call);

    public static ulong GetAccountName(ulong ctx, ulong buffer, ulong size, ulong r4, ulong r5, ref HelperCallContext call) =>
        EventOf(ctx) is { } e ? (e.AccountName is null ? ENoEnt : Copy(e.AccountName, buffer, size, ref call)) : EInval;

    public static ulong GetAccountDomain(ulong ctx, ulong buffer, ulong size, ulong r4, ulong r5, ref HelperCallContext call) =>
        EventOf(ctx) is { } e ? (e.AccountDomain is null ? ENoEnt : Copy(e.AccountDomain, buffer, size, ref call)) : EInval;

    private static ProcessEvent? EventOf(ulong ctx) => ProgramContext.FromPointer(ctx)?.State as ProcessEvent;

    private static ulong Copy(string? text, ulong buffer, ulong size, ref HelperCallContext call)
    {
        if (text is null) return EInval;
        if (text.Length == 0) return 0;
        var bytes = MemoryMarshal.AsBytes(text.AsSpan());
        if ((ulong)bytes.Length > size) return EInval;
        bytes.CopyTo(HelperMemory.Writable(ref call, buffer, (ulong)bytes.Length));
        return (ulong)bytes.Length;
    }

    internal static byte[] Utf16(string text) => Encoding.Unicode.GetBytes(text);
}
