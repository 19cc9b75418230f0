using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ebpf.Platform;

/// <summary>
/// The program-information hash of eBPF for Windows (facts sheet §6): SHA-256 over the program type descriptor and
/// the prototypes of exactly the helpers a program calls. It records what a program was verified against, so a
/// native module or a returning extension whose information differs is refused.
/// </summary>
public static class ProgramInformationHash
{
    public const string Algorithm = "SHA256";
    public const int Length = 32;

    /// <summary>
    /// Hashes <paramref name="information"/> as seen by a program calling <paramref name="calledHelperIds"/>
    /// (duplicates allowed, any order) and <paramref name="btfFunctions"/> (by default the BTF-resolved functions
    /// <paramref name="information"/> carries for its program).
    /// </summary>
    /// <exception cref="ProgramInformationException">A called helper is not provided for this program type.</exception>
    public static byte[] Compute(ProgramInformation information, IEnumerable<uint> calledHelperIds,
        IEnumerable<BtfResolvedFunction>? btfFunctions = null)
    {
        var stream = Serialize(information, calledHelperIds, btfFunctions);
        return SHA256.HashData(stream);
    }

    /// <summary>The exact byte stream that is hashed, in the field order of the facts sheet.</summary>
    public static byte[] Serialize(ProgramInformation information, IEnumerable<uint> calledHelperIds,
        IEnumerable<BtfResolvedFunction>? btfFunctions = null)
    {
        var descriptor = information.Descriptor;
        var writer = new HashStreamWriter();
        writer.WriteAscii(descriptor.Name);
        writer.WriteInt32(descriptor.Context.Size);
        writer.WriteInt32(descriptor.Context.Data);
        writer.WriteInt32(descriptor.Context.End);
        writer.WriteInt32(descriptor.Context.Meta);
        writer.WriteGuid(descriptor.ProgramType);
        writer.WriteUInt32(descriptor.BpfProgType);
        writer.WriteByte(descriptor.IsPrivileged ? (byte)1 : (byte)0);

        // Calls to BTF-resolved functions are hashed in their own part below, not as helpers.
        var ids = calledHelperIds.Where(id => !BtfResolvedFunction.IsBtfFunctionId(id)).Distinct().Order().ToArray();
        writer.WriteUInt64((ulong)ids.Length);
        foreach (var id in ids)
        {
            var helper = information.FindHelper(id) ?? throw new ProgramInformationException(
                $"Helper id {id} is called but program type '{descriptor.Name}' provides no such helper.");
            writer.WriteUInt32(helper.Id);
            writer.WriteAscii(helper.Name);
            writer.WriteUInt32((uint)helper.ReturnType);
            foreach (var arg in helper.Arguments) writer.WriteUInt32((uint)arg);
            // Appended only when set, so hashes from before the field existed stay valid.
            if (helper.ReallocatePacket) writer.WriteByte(1);
        }

        var functions = (btfFunctions ?? information.BtfFunctions).OrderBy(f => f.Module).ThenBy(f => f.Name, StringComparer.Ordinal).ToArray();
        if (functions.Length > 0)
        {
            writer.WriteUInt64((ulong)functions.Length);
            foreach (var f in functions)
            {
                writer.WriteGuid(f.Module);
                writer.WriteAscii(f.Name);
                writer.WriteUInt32((uint)f.ReturnType);
                for (int i = 0; i < HelperPrototype.MaxArguments; i++)
                    writer.WriteUInt32(i < f.Arguments.Length ? (uint)f.Arguments[i] : 0);
                writer.WriteUInt32(f.Flags);
            }
        }
        return writer.ToArray();
    }

    /// <summary>Lower-case hex, as tools print it.</summary>
    public static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    private sealed class HashStreamWriter
    {
        private readonly MemoryStream _stream = new();

        public void WriteByte(byte value) => _stream.WriteByte(value);
        public void WriteAscii(string value) => _stream.Write(Encoding.ASCII.GetBytes(value));

        public void WriteInt32(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, value);
            _stream.Write(b);
        }

        public void WriteUInt32(uint value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            _stream.Write(b);
        }

        public void WriteUInt64(ulong value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, value);
            _stream.Write(b);
        }

        public void WriteGuid(Guid value)
        {
            Span<byte> b = stackalloc byte[16];
            value.TryWriteBytes(b);
            _stream.Write(b);
        }

        public byte[] ToArray() => _stream.ToArray();
    }
}
