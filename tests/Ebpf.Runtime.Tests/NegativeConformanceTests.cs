using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

/// <summary>
/// The suite's negative cases: each must be refused, or (for the cases that check the runner itself) must not pass.
/// "Passes" means the file's own expectation held (e.g. the expected assembler message was produced).
/// </summary>
public class NegativeConformanceTests
{
    private static readonly Dictionary<string, (ConformanceObservation Observed, bool Passes)> Expectations = new()
    {
        ["empty.data"] = (ConformanceObservation.FileError, false),
        ["empty_instructions.data"] = (ConformanceObservation.FileError, false),
        // `or %r0, %r10` is a valid program; the file expects an error, so the runner must report a failure.
        ["error.data"] = (ConformanceObservation.Result, false),
        // Only the high 32 bits differ from the expected value: a full 64-bit comparison must catch it.
        ["incorrect_return_value_high_bits.data"] = (ConformanceObservation.Result, false),
        ["invalid_imm32_dec_range.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_imm32_hex_range.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_label.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_lock.data"] = (ConformanceObservation.AssemblerError, true),
        ["invalid_lock2.data"] = (ConformanceObservation.AssemblerError, true),
        ["invalid_mnemonic.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_offset.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_offset_range.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_operand_count.data"] = (ConformanceObservation.AssemblerError, false),
        ["invalid_register.data"] = (ConformanceObservation.AssemblerError, true),
        ["invalid_unknown_directive.data"] = (ConformanceObservation.FileError, false),
    };

    private static readonly Dictionary<string, string> AssemblerMessages = new()
    {
        ["invalid_imm32_dec_range.data"] = "Immediate out of range: 2147483648",
        ["invalid_imm32_hex_range.data"] = "Immediate out of range: 0x100000000",
        ["invalid_label.data"] = "Invalid label: NOT_A_LABEL",
        ["invalid_lock.data"] = "Invalid number of operands for lock",
        ["invalid_lock2.data"] = "Invalid number of operands for lock",
        ["invalid_mnemonic.data"] = "Invalid mnemonic: ldxq",
        ["invalid_offset.data"] = "Failed to decode register and offset: %r1",
        ["invalid_offset_range.data"] = "Offset out of range: +0x10000",
        ["invalid_operand_count.data"] = "Invalid number of operands for mnemonic: lddw",
        ["invalid_register.data"] = "Invalid register: %r50",
    };

    public static TheoryData<string> NegativeFiles() => new(ConformanceRunner.Files(ConformanceRunner.NegativeDirectory));

    [Theory]
    [MemberData(nameof(NegativeFiles))]
    public void IsRefusedAsExpected(string file)
    {
        foreach (var mode in new[] { ExecutionMode.Unchecked, ExecutionMode.Checked })
        {
            var outcome = ConformanceRunner.Run(Path.Combine(ConformanceRunner.NegativeDirectory, file), mode);
            if (file.StartsWith("unused-", StringComparison.Ordinal))
            {
                // Raw programs with a non-zero unused field (or an offset the opcode does not define): decoder error at slot 0.
                var decode = Assert.IsType<InstructionDecodeException>(outcome.Error);
                Assert.Equal(0, decode.Index);
                var expectedReason = file.Contains("mov", StringComparison.Ordinal) && file.EndsWith("_reg-offset.data", StringComparison.Ordinal)
                    ? DecodeError.InvalidOffset // mov's offset selects movsx: 1 is an undefined width, not an unused field
                    : DecodeError.UnusedFieldNotZero;
                Assert.Equal(expectedReason, decode.Reason);
                Assert.True(outcome.Passed, outcome.ToString());
                continue;
            }
            Assert.True(Expectations.TryGetValue(file, out var expected), $"no expectation for negative case {file}");
            Assert.Equal(expected.Observed, outcome.Observed);
            Assert.Equal(expected.Passes, outcome.Passed);
            if (AssemblerMessages.TryGetValue(file, out var message))
                Assert.Equal(message, Assert.IsType<AssemblerException>(outcome.Error).Detail);
        }
    }

    /// <summary>The suite ships 60 negative .data files (plus invalid.sh, its stand-in plugin).</summary>
    [Fact]
    public void EveryNegativeFileIsCovered() =>
        Assert.Equal(60, ConformanceRunner.Files(ConformanceRunner.NegativeDirectory).Count());
}
