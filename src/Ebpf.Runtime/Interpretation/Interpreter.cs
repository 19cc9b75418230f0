using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Isa;

namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// Reference interpreter for RFC 9669 eBPF. A loaded program is immutable and may be run concurrently. Memory is real
/// host memory (like uBPF): r1 receives the context pointer, r10 the top of a 512-byte-per-frame stack. In
/// <see cref="ExecutionMode.Checked"/> mode every access is validated against the run's regions.
/// </summary>
public sealed unsafe class Interpreter
{
    private const int StackSize = Registers.StackSize;

    private readonly Instruction[] _code;        // pinned: the loop reads it through _base
    private readonly Instruction* _base;
    private readonly ulong[] _wideValues;        // per slot: the value an lddw at that slot loads
    private readonly HelperFunction?[] _callTargets; // per slot: the helper a `call imm` at that slot invokes
    private readonly HelperTable _helpers;
    private readonly InterpreterOptions _options;

    /// <summary>Validates and prepares <paramref name="program"/>. Throws <see cref="InstructionDecodeException"/>
    /// for malformed instructions and <see cref="ProgramLoadException"/> for unknown helpers or unresolved lddw.</summary>
    public Interpreter(ReadOnlySpan<Instruction> program, HelperTable? helpers = null, InterpreterOptions? options = null)
    {
        ProgramDecoder.Validate(program);
        _helpers = helpers ?? new HelperTable();
        _options = options ?? new InterpreterOptions();
        if (_options.MaxCallDepth is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxCallDepth, "MaxCallDepth must be 1-64");
        if (_options.InstructionBudget < 0)
            throw new ArgumentOutOfRangeException(nameof(options), _options.InstructionBudget, "InstructionBudget must be >= 0");

        _code = GC.AllocateArray<Instruction>(program.Length, pinned: true);
        program.CopyTo(_code);
        _base = (Instruction*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_code));
        _wideValues = new ulong[program.Length];
        _callTargets = new HelperFunction?[program.Length];
        ProgramPreparation.Prepare(_code, _helpers, _options.ResolveWideImmediate, _wideValues, _callTargets);
    }

    /// <summary>Decodes, validates and prepares a raw program image.</summary>
    public static Interpreter Load(ReadOnlySpan<byte> image, HelperTable? helpers = null, InterpreterOptions? options = null) =>
        new(ProgramDecoder.Decode(image), helpers, options);

    public ReadOnlySpan<Instruction> Program => _code;

    public InterpreterOptions Options => _options;

    public HelperTable Helpers => _helpers;

    /// <summary>bpf_conformance convention: r1 = address of <paramref name="memory"/>, r2 = its length. The memory is also
    /// the packet for legacy loads and, in checked mode, a read-write region.</summary>
    public ulong Run(Span<byte> memory, object? helperState = null) =>
        MemoryRun.Run(memory, helperState, Run);

    /// <summary>Runs once. Without a budget or checked mode this is the fast path: no counting, no checks.</summary>
    public ulong Run(in ExecutionRequest request)
    {
        if (_options.Mode == ExecutionMode.Checked || _options.InstructionBudget != 0) return Run(request, out _);
        var policy = new UncheckedPolicy();
        return RunWith(ref policy, request);
    }

    /// <summary>Runs once and reports how many instructions executed (an lddw counts once).</summary>
    public ulong Run(in ExecutionRequest request, out long executedInstructions)
    {
        long budget = _options.InstructionBudget == 0 ? long.MaxValue : _options.InstructionBudget;
        if (_options.Mode == ExecutionMode.Checked)
        {
            var regions = new MemoryRegionSet(request.Regions.Length + 4);
            foreach (var region in request.Regions) regions.Add(region);
            var policy = new CheckedPolicy(budget, regions);
            var result = RunWith(ref policy, request);
            executedInstructions = policy.Executed;
            return result;
        }
        var counting = new CountingPolicy(budget);
        var value = RunWith(ref counting, request);
        executedInstructions = counting.Executed;
        return value;
    }

    private ulong RunWith<TPolicy>(ref TPolicy policy, in ExecutionRequest request) where TPolicy : struct, IExecutionPolicy
    {
        int frames = _options.MaxCallDepth;
        byte* stack = stackalloc byte[frames * StackSize];
        Frame* callStack = stackalloc Frame[frames];
        policy.Regions?.Add(new MemoryRegion((ulong)stack, (ulong)(frames * StackSize), MemoryAccess.ReadWrite, "stack"));
        return Execute(ref policy, request, stack, callStack);
    }

    private struct Frame
    {
        public int ReturnPc;
        public ulong R6, R7, R8, R9, R10;
    }

    /// <summary>A helper stopped the run: r0 is the value it gave; a pending tail call goes to the invoker.</summary>
    private static ulong Stopped(ref HelperCallContext context)
    {
        context.PublishPendingTailCall();
        return context.StopValue;
    }

    private ulong Execute<TPolicy>(ref TPolicy policy, in ExecutionRequest request, byte* stack, Frame* frames)
        where TPolicy : struct, IExecutionPolicy
    {
        Instruction* code = _base;
        ulong* r = stackalloc ulong[16];
        r[1] = request.R1;
        r[2] = request.R2;
        r[10] = (ulong)stack + (ulong)(_options.MaxCallDepth * StackSize);
        ulong packet = request.Packet.Start, packetLength = request.Packet.Length;
        var helperContext = new HelperCallContext(request.R1, policy.Regions, request.HelperState);
        int depth = 0;
        int maxDepth = _options.MaxCallDepth;
        int pc = 0;

        while (true)
        {
            policy.Step(pc);
            // Fields straight from the 64-bit slot: all in registers, no struct copy.
            ulong slot = *(ulong*)(code + pc);
            int dst = (int)(slot >> 8) & 0xF;
            int src = (int)(slot >> 12) & 0xF;
            short off = (short)(slot >> 16);
            int imm = (int)(slot >> 32);
            int at = pc++;
            switch ((byte)slot)
            {
                // ALU32: operate on the low 32 bits, zero-extend the result.
                case 0x04: r[dst] = (uint)((uint)r[dst] + (uint)imm); break;
                case 0x0c: r[dst] = (uint)((uint)r[dst] + (uint)r[src]); break;
                case 0x14: r[dst] = (uint)((uint)r[dst] - (uint)imm); break;
                case 0x1c: r[dst] = (uint)((uint)r[dst] - (uint)r[src]); break;
                case 0x24: r[dst] = (uint)((uint)r[dst] * (uint)imm); break;
                case 0x2c: r[dst] = (uint)((uint)r[dst] * (uint)r[src]); break;
                case 0x34: r[dst] = Div32((uint)r[dst], (uint)imm, off); break;
                case 0x3c: r[dst] = Div32((uint)r[dst], (uint)r[src], off); break;
                case 0x44: r[dst] = (uint)r[dst] | (uint)imm; break;
                case 0x4c: r[dst] = (uint)r[dst] | (uint)r[src]; break;
                case 0x54: r[dst] = (uint)r[dst] & (uint)imm; break;
                case 0x5c: r[dst] = (uint)r[dst] & (uint)r[src]; break;
                case 0x64: r[dst] = (uint)r[dst] << (imm & 31); break;
                case 0x6c: r[dst] = (uint)r[dst] << (int)(r[src] & 31); break;
                case 0x74: r[dst] = (uint)r[dst] >> (imm & 31); break;
                case 0x7c: r[dst] = (uint)r[dst] >> (int)(r[src] & 31); break;
                case 0x84: r[dst] = (uint)-(int)r[dst]; break;
                case 0x94: r[dst] = Mod32((uint)r[dst], (uint)imm, off); break;
                case 0x9c: r[dst] = Mod32((uint)r[dst], (uint)r[src], off); break;
                case 0xa4: r[dst] = (uint)r[dst] ^ (uint)imm; break;
                case 0xac: r[dst] = (uint)r[dst] ^ (uint)r[src]; break;
                case 0xb4: r[dst] = (uint)imm; break;
                case 0xbc:
                    r[dst] = off switch
                    {
                        0 => (uint)r[src],
                        8 => (uint)(int)(sbyte)r[src],
                        _ => (uint)(int)(short)r[src],
                    };
                    break;
                case 0xc4: r[dst] = (uint)((int)r[dst] >> (imm & 31)); break;
                case 0xcc: r[dst] = (uint)((int)r[dst] >> (int)(r[src] & 31)); break;
                case 0xd4: // to little-endian: truncation on a little-endian host
                    r[dst] = imm switch { 16 => (ushort)r[dst], 32 => (uint)r[dst], _ => r[dst] };
                    break;
                case 0xdc: // to big-endian
                case 0xd7: // bswap (ALU64)
                    r[dst] = imm switch
                    {
                        16 => BinaryPrimitives.ReverseEndianness((ushort)r[dst]),
                        32 => BinaryPrimitives.ReverseEndianness((uint)r[dst]),
                        _ => BinaryPrimitives.ReverseEndianness(r[dst]),
                    };
                    break;

                // ALU64: immediates are sign-extended to 64 bits.
                case 0x07: r[dst] += (ulong)(long)imm; break;
                case 0x0f: r[dst] += r[src]; break;
                case 0x17: r[dst] -= (ulong)(long)imm; break;
                case 0x1f: r[dst] -= r[src]; break;
                case 0x27: r[dst] *= (ulong)(long)imm; break;
                case 0x2f: r[dst] *= r[src]; break;
                case 0x37: r[dst] = Div64(r[dst], (ulong)(long)imm, off); break;
                case 0x3f: r[dst] = Div64(r[dst], r[src], off); break;
                case 0x47: r[dst] |= (ulong)(long)imm; break;
                case 0x4f: r[dst] |= r[src]; break;
                case 0x57: r[dst] &= (ulong)(long)imm; break;
                case 0x5f: r[dst] &= r[src]; break;
                case 0x67: r[dst] <<= imm & 63; break;
                case 0x6f: r[dst] <<= (int)(r[src] & 63); break;
                case 0x77: r[dst] >>= imm & 63; break;
                case 0x7f: r[dst] >>= (int)(r[src] & 63); break;
                case 0x87: r[dst] = (ulong)-(long)r[dst]; break;
                case 0x97: r[dst] = Mod64(r[dst], (ulong)(long)imm, off); break;
                case 0x9f: r[dst] = Mod64(r[dst], r[src], off); break;
                case 0xa7: r[dst] ^= (ulong)(long)imm; break;
                case 0xaf: r[dst] ^= r[src]; break;
                case 0xb7: r[dst] = (ulong)(long)imm; break;
                case 0xbf:
                    r[dst] = off switch
                    {
                        0 => r[src],
                        8 => (ulong)(long)(sbyte)r[src],
                        16 => (ulong)(long)(short)r[src],
                        _ => (ulong)(long)(int)r[src],
                    };
                    break;
                case 0xc7: r[dst] = (ulong)((long)r[dst] >> (imm & 63)); break;
                case 0xcf: r[dst] = (ulong)((long)r[dst] >> (int)(r[src] & 63)); break;

                // JMP: 64-bit compares, immediate sign-extended.
                case 0x05: pc += off; break;
                case 0x15: if (r[dst] == (ulong)(long)imm) pc += off; break;
                case 0x1d: if (r[dst] == r[src]) pc += off; break;
                case 0x25: if (r[dst] > (ulong)(long)imm) pc += off; break;
                case 0x2d: if (r[dst] > r[src]) pc += off; break;
                case 0x35: if (r[dst] >= (ulong)(long)imm) pc += off; break;
                case 0x3d: if (r[dst] >= r[src]) pc += off; break;
                case 0x45: if ((r[dst] & (ulong)(long)imm) != 0) pc += off; break;
                case 0x4d: if ((r[dst] & r[src]) != 0) pc += off; break;
                case 0x55: if (r[dst] != (ulong)(long)imm) pc += off; break;
                case 0x5d: if (r[dst] != r[src]) pc += off; break;
                case 0x65: if ((long)r[dst] > imm) pc += off; break;
                case 0x6d: if ((long)r[dst] > (long)r[src]) pc += off; break;
                case 0x75: if ((long)r[dst] >= imm) pc += off; break;
                case 0x7d: if ((long)r[dst] >= (long)r[src]) pc += off; break;
                case 0xa5: if (r[dst] < (ulong)(long)imm) pc += off; break;
                case 0xad: if (r[dst] < r[src]) pc += off; break;
                case 0xb5: if (r[dst] <= (ulong)(long)imm) pc += off; break;
                case 0xbd: if (r[dst] <= r[src]) pc += off; break;
                case 0xc5: if ((long)r[dst] < imm) pc += off; break;
                case 0xcd: if ((long)r[dst] < (long)r[src]) pc += off; break;
                case 0xd5: if ((long)r[dst] <= imm) pc += off; break;
                case 0xdd: if ((long)r[dst] <= (long)r[src]) pc += off; break;

                // JMP32: compare the low 32 bits.
                case 0x06: pc += imm; break;
                case 0x16: if ((uint)r[dst] == (uint)imm) pc += off; break;
                case 0x1e: if ((uint)r[dst] == (uint)r[src]) pc += off; break;
                case 0x26: if ((uint)r[dst] > (uint)imm) pc += off; break;
                case 0x2e: if ((uint)r[dst] > (uint)r[src]) pc += off; break;
                case 0x36: if ((uint)r[dst] >= (uint)imm) pc += off; break;
                case 0x3e: if ((uint)r[dst] >= (uint)r[src]) pc += off; break;
                case 0x46: if (((uint)r[dst] & (uint)imm) != 0) pc += off; break;
                case 0x4e: if (((uint)r[dst] & (uint)r[src]) != 0) pc += off; break;
                case 0x56: if ((uint)r[dst] != (uint)imm) pc += off; break;
                case 0x5e: if ((uint)r[dst] != (uint)r[src]) pc += off; break;
                case 0x66: if ((int)r[dst] > imm) pc += off; break;
                case 0x6e: if ((int)r[dst] > (int)r[src]) pc += off; break;
                case 0x76: if ((int)r[dst] >= imm) pc += off; break;
                case 0x7e: if ((int)r[dst] >= (int)r[src]) pc += off; break;
                case 0xa6: if ((uint)r[dst] < (uint)imm) pc += off; break;
                case 0xae: if ((uint)r[dst] < (uint)r[src]) pc += off; break;
                case 0xb6: if ((uint)r[dst] <= (uint)imm) pc += off; break;
                case 0xbe: if ((uint)r[dst] <= (uint)r[src]) pc += off; break;
                case 0xc6: if ((int)r[dst] < imm) pc += off; break;
                case 0xce: if ((int)r[dst] < (int)r[src]) pc += off; break;
                case 0xd6: if ((int)r[dst] <= imm) pc += off; break;
                case 0xde: if ((int)r[dst] <= (int)r[src]) pc += off; break;

                case 0x85: // call
                    if (src == PseudoSource.LocalCall)
                    {
                        if (depth + 1 >= maxDepth) ThrowCallDepth(at, maxDepth);
                        ref Frame frame = ref frames[depth++];
                        frame.ReturnPc = pc;
                        frame.R6 = r[6]; frame.R7 = r[7]; frame.R8 = r[8]; frame.R9 = r[9]; frame.R10 = r[10];
                        r[10] -= StackSize;
                        pc += imm;
                        break;
                    }
                    helperContext.ProgramCounter = at;
                    r[0] = _callTargets[at]!(r[1], r[2], r[3], r[4], r[5], ref helperContext);
                    if (helperContext.StopRequested) return Stopped(ref helperContext);
                    break;
                case 0x8d: // callx: the register holds a helper id
                {
                    if (!_helpers.TryGet(r[dst], out var helper)) ThrowUnknownHelper(at, r[dst]);
                    helperContext.ProgramCounter = at;
                    r[0] = helper(r[1], r[2], r[3], r[4], r[5], ref helperContext);
                    if (helperContext.StopRequested) return Stopped(ref helperContext);
                    break;
                }
                case 0x95: // exit
                    if (depth == 0) return r[0];
                    {
                        ref Frame frame = ref frames[--depth];
                        pc = frame.ReturnPc;
                        r[6] = frame.R6; r[7] = frame.R7; r[8] = frame.R8; r[9] = frame.R9; r[10] = frame.R10;
                    }
                    break;

                case 0x18: // lddw
                    r[dst] = _wideValues[at];
                    pc++;
                    break;

                // LDX
                case 0x61: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 4, MemoryAccess.Read); r[dst] = Unsafe.ReadUnaligned<uint>((void*)a); break; }
                case 0x69: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 2, MemoryAccess.Read); r[dst] = Unsafe.ReadUnaligned<ushort>((void*)a); break; }
                case 0x71: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 1, MemoryAccess.Read); r[dst] = *(byte*)a; break; }
                case 0x79: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 8, MemoryAccess.Read); r[dst] = Unsafe.ReadUnaligned<ulong>((void*)a); break; }
                case 0x81: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 4, MemoryAccess.Read); r[dst] = (ulong)(long)Unsafe.ReadUnaligned<int>((void*)a); break; }
                case 0x89: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 2, MemoryAccess.Read); r[dst] = (ulong)(long)Unsafe.ReadUnaligned<short>((void*)a); break; }
                case 0x91: { ulong a = r[src] + (ulong)(long)off; policy.Access(at, a, 1, MemoryAccess.Read); r[dst] = (ulong)(long)*(sbyte*)a; break; }

                // ST
                case 0x62: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 4, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, imm); break; }
                case 0x6a: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 2, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, (short)imm); break; }
                case 0x72: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 1, MemoryAccess.Write); *(byte*)a = (byte)imm; break; }
                case 0x7a: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 8, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, (long)imm); break; }

                // STX
                case 0x63: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 4, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, (uint)r[src]); break; }
                case 0x6b: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 2, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, (ushort)r[src]); break; }
                case 0x73: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 1, MemoryAccess.Write); *(byte*)a = (byte)r[src]; break; }
                case 0x7b: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 8, MemoryAccess.Write); Unsafe.WriteUnaligned((void*)a, r[src]); break; }

                // Atomics
                case 0xc3: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 4, MemoryAccess.ReadWrite); Atomic32((int*)a, imm, ref r[src], ref r[0]); break; }
                case 0xdb: { ulong a = r[dst] + (ulong)(long)off; policy.Access(at, a, 8, MemoryAccess.ReadWrite); Atomic64((long*)a, imm, ref r[src], ref r[0]); break; }

                // Legacy packet loads: network byte order; out of bounds ends the program with 0, as in Linux.
                case 0x20: case 0x28: case 0x30:
                case 0x40: case 0x48: case 0x50:
                {
                    int size = ((AccessSize)((byte)slot & 0x18)).Bytes();
                    ulong offset = (((byte)slot & 0xE0) == (int)AccessMode.Ind ? (ulong)(uint)r[src] : 0) + (ulong)(long)imm;
                    if (offset > packetLength || packetLength - offset < (ulong)size) return 0;
                    byte* p = (byte*)(packet + offset);
                    r[0] = size switch
                    {
                        1 => *p,
                        2 => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(p)),
                        _ => BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(p)),
                    };
                    break;
                }

                default:
                    // Unreachable: the program was validated. Fail loudly rather than run garbage.
                    throw new InvalidOperationException($"pc {at}: opcode 0x{(byte)slot:x2} passed validation but has no implementation");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Div64(ulong dividend, ulong divisor, short offset)
    {
        if (divisor == 0) return 0;
        if (offset == 0) return dividend / divisor;
        long d = (long)divisor;
        // long.MinValue / -1 overflows (and traps in .NET); eBPF defines it as wrapping.
        return d == -1 ? (ulong)(-(long)dividend) : (ulong)((long)dividend / d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mod64(ulong dividend, ulong divisor, short offset)
    {
        if (divisor == 0) return dividend;
        if (offset == 0) return dividend % divisor;
        long d = (long)divisor;
        return d == -1 ? 0 : (ulong)((long)dividend % d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Div32(uint dividend, uint divisor, short offset)
    {
        if (divisor == 0) return 0;
        if (offset == 0) return dividend / divisor;
        int d = (int)divisor;
        return d == -1 ? (uint)(-(int)dividend) : (uint)((int)dividend / d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mod32(uint dividend, uint divisor, short offset)
    {
        if (divisor == 0) return dividend;
        if (offset == 0) return dividend % divisor;
        int d = (int)divisor;
        return d == -1 ? 0 : (uint)((int)dividend % d);
    }

    private static void Atomic32(int* address, int op, ref ulong src, ref ulong r0)
    {
        ref int target = ref *address;
        int value = (int)src;
        int old;
        switch ((AtomicOp)(op & ~(int)AtomicOp.Fetch))
        {
            case AtomicOp.Add: old = Interlocked.Add(ref target, value) - value; break;
            case AtomicOp.Or: old = Interlocked.Or(ref target, value); break;
            case AtomicOp.And: old = Interlocked.And(ref target, value); break;
            case AtomicOp.Xor:
                do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
                break;
            case AtomicOp.Xchg & ~AtomicOp.Fetch: old = Interlocked.Exchange(ref target, value); break;
            default: // cmpxchg: compare with r0, which receives the old value
                r0 = (uint)Interlocked.CompareExchange(ref target, value, (int)r0);
                return;
        }
        if ((op & (int)AtomicOp.Fetch) != 0) src = (uint)old;
    }

    private static void Atomic64(long* address, int op, ref ulong src, ref ulong r0)
    {
        ref long target = ref *address;
        long value = (long)src;
        long old;
        switch ((AtomicOp)(op & ~(int)AtomicOp.Fetch))
        {
            case AtomicOp.Add: old = Interlocked.Add(ref target, value) - value; break;
            case AtomicOp.Or: old = Interlocked.Or(ref target, value); break;
            case AtomicOp.And: old = Interlocked.And(ref target, value); break;
            case AtomicOp.Xor:
                do { old = Volatile.Read(ref target); } while (Interlocked.CompareExchange(ref target, old ^ value, old) != old);
                break;
            case AtomicOp.Xchg & ~AtomicOp.Fetch: old = Interlocked.Exchange(ref target, value); break;
            default:
                r0 = (ulong)Interlocked.CompareExchange(ref target, value, (long)r0);
                return;
        }
        if ((op & (int)AtomicOp.Fetch) != 0) src = (ulong)old;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowCallDepth(int pc, int maxDepth) => throw new CallDepthExceededException(pc, maxDepth);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowUnknownHelper(int pc, ulong id) => throw new UnknownHelperException(pc, id);
}
