using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// Raw bpf(2) on x86-64 and arm64 Linux. Attribute blocks are built as bytes at the uapi offsets (union bpf_attr),
/// so no struct layout is assumed beyond what the kernel documents; unused bytes stay zero as the kernel requires.
/// </summary>
internal static unsafe partial class BpfSyscall
{
    /// <summary>Large enough for every command used; the kernel accepts a larger zero-tailed attribute block.</summary>
    public const int AttributeSize = 128;

    private static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"bpf(2) number unknown for {other}"),
    };

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long command, void* attributes, long size);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Issues <paramref name="command"/>; returns the kernel's non-negative result or throws naming what failed and why.</summary>
    public static int Invoke(BpfCommand command, Span<byte> attributes, string what)
    {
        if (KernelHostEmulation.RefusesBpf is { } emulated) throw Refusal(command, EPERM, what, null, emulated);
        long result;
        fixed (byte* block = attributes) result = Syscall(SyscallNumber, (long)command, block, attributes.Length);
        if (result >= 0) return (int)result;
        throw Refusal(command, Marshal.GetLastPInvokeError(), what, null);
    }

    private const int EPERM = 1;

    /// <summary>The refusal of <paramref name="command"/> with <paramref name="errno"/>, classified (see <see cref="KernelRefusals"/>).</summary>
    public static KernelBpfException Refusal(BpfCommand command, int errno, string what, string? log, string? emulation = null)
    {
        var (kind, reason) = KernelRefusals.Classify(command, errno, log);
        string emulated = emulation is null ? "" : $" [{emulation}]";
        string detail = string.IsNullOrWhiteSpace(log) ? "" : "\n" + string.Join("\n", log.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(6));
        return new KernelBpfException($"{what}: {command} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}){emulated}{detail}",
            errno, kind, reason + emulated, what, log);
    }

    public static void WriteU32(Span<byte> attributes, int offset, uint value) => BitConverter.TryWriteBytes(attributes[offset..], value);
    public static void WriteU64(Span<byte> attributes, int offset, ulong value) => BitConverter.TryWriteBytes(attributes[offset..], value);
    public static uint ReadU32(ReadOnlySpan<byte> attributes, int offset) => BitConverter.ToUInt32(attributes[offset..]);
}
