using System.Runtime.InteropServices;
using System.Text;
using Ebpf.Isa;

namespace Ebpf.Kernel;

/// <summary>BPF_PROG_LOAD and BPF_PROG_TEST_RUN on raw instructions (map references already hold map fds).</summary>
internal static unsafe class KernelProgram
{
    private const int LogSize = 4 << 20;
    private const int MaxPacketGrowth = 4096; // room for bpf_xdp_adjust_tail/head growth in data_out

    public static int Load(ReadOnlySpan<Instruction> code, KernelProgramType type, string name, string license, string what)
    {
        RefuseEmulatedHelpers(code, type, what);
        byte[] image = Instruction.WriteAll(code);
        byte[] licenseBytes = Encoding.ASCII.GetBytes(license + "\0");
        Span<byte> attributes = stackalloc byte[BpfSyscall.AttributeSize];
        fixed (byte* insns = image)
        fixed (byte* licenseText = licenseBytes)
        {
            Fill(attributes, type, (ulong)insns, code.Length, (ulong)licenseText, name);
            try
            {
                return BpfSyscall.Invoke(BpfCommand.ProgramLoad, attributes, what);
            }
            catch (KernelBpfException e) when (e.Errno is 13 or 22) // EACCES / EINVAL: the verifier's log says why
            {
                byte[] log = new byte[LogSize];
                fixed (byte* logBuffer = log)
                {
                    attributes.Clear();
                    Fill(attributes, type, (ulong)insns, code.Length, (ulong)licenseText, name);
                    BpfSyscall.WriteU32(attributes, 24, 1);
                    BpfSyscall.WriteU32(attributes, 28, LogSize);
                    BpfSyscall.WriteU64(attributes, 32, (ulong)logBuffer);
                    try
                    {
                        return BpfSyscall.Invoke(BpfCommand.ProgramLoad, attributes, what);
                    }
                    catch (KernelBpfException retry)
                    {
                        int length = log.AsSpan().IndexOf((byte)0);
                        string text = Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length);
                        throw BpfSyscall.Refusal(BpfCommand.ProgramLoad, retry.Errno, what, text);
                    }
                }
            }
        }
    }

    /// <summary>Refuses as this kernel's verifier does (EINVAL, same log wording) a helper <see cref="KernelHostEmulation"/> withholds.</summary>
    private static void RefuseEmulatedHelpers(ReadOnlySpan<Instruction> code, KernelProgramType type, string what)
    {
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.Opcode != OpCodes.Call || insn.Src != PseudoSource.HelperCall) continue;
            if (KernelHostEmulation.RefusesHelper(type, insn.Imm) is { } emulation)
                throw BpfSyscall.Refusal(BpfCommand.ProgramLoad, 22, what,
                    $"{pc}: (85) call #{insn.Imm}\nprogram of this type cannot use helper #{insn.Imm}\n", emulation);
        }
    }

    private static void Fill(Span<byte> attributes, KernelProgramType type, ulong insns, int count, ulong license, string name)
    {
        BpfSyscall.WriteU32(attributes, 0, (uint)type);
        BpfSyscall.WriteU32(attributes, 4, (uint)count);
        BpfSyscall.WriteU64(attributes, 8, insns);
        BpfSyscall.WriteU64(attributes, 16, license);
        KernelNames.Write(attributes.Slice(48, 16), name);
    }

    public static KernelRunResult TestRun(int programFd, ReadOnlySpan<byte> packet, uint repeat, string what)
    {
        byte[] input = packet.ToArray();
        byte[] output = new byte[packet.Length + MaxPacketGrowth];
        Span<byte> attributes = stackalloc byte[BpfSyscall.AttributeSize];
        fixed (byte* data = input)
        fixed (byte* dataOut = output)
        {
            BpfSyscall.WriteU32(attributes, 0, (uint)programFd);
            BpfSyscall.WriteU32(attributes, 8, (uint)input.Length);
            BpfSyscall.WriteU32(attributes, 12, (uint)output.Length);
            BpfSyscall.WriteU64(attributes, 16, (ulong)data);
            BpfSyscall.WriteU64(attributes, 24, (ulong)dataOut);
            BpfSyscall.WriteU32(attributes, 32, repeat);
            BpfSyscall.Invoke(BpfCommand.ProgramTestRun, attributes, what);
        }
        uint outSize = BpfSyscall.ReadU32(attributes, 12);
        return new KernelRunResult(BpfSyscall.ReadU32(attributes, 4), output.AsSpan(0, (int)Math.Min(outSize, (uint)output.Length)).ToArray(),
            BpfSyscall.ReadU32(attributes, 36));
    }
}
