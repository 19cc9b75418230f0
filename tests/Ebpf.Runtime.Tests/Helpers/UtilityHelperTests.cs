using System.Diagnostics;
using Ebpf.Platform;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

public class UtilityHelperTests
{
    [Fact]
    public void EveryGlobalHelperWithACoreImplementationHasOneAndOnlyThose()
    {
        foreach (var prototype in GlobalHelpers.All)
            Assert.Equal(GlobalHelpers.HasCoreImplementation(prototype.Id), CoreHelpers.Find(prototype.Id) is not null);
        Assert.Null(CoreHelpers.Find(0));
        Assert.Null(CoreHelpers.Find(36));
        Assert.Null(CoreHelpers.Find(65536));
        var table = CoreHelpers.CreateTable();
        Assert.Equal("bpf_csum_diff", table.NameOf(GlobalHelpers.CsumDiff));
        Assert.Null(table.NameOf(GlobalHelpers.GetSocketCookie));
    }

    [Fact]
    public void PrandomProducesVariedThirtyTwoBitValues()
    {
        var values = Enumerable.Range(0, 256).Select(_ => Call(GlobalHelpers.GetPrandomU32)).ToArray();
        Assert.All(values, v => Assert.True(v <= uint.MaxValue));
        Assert.True(values.Distinct().Count() > 250);
        // Over 256 draws the top bit is set in some and clear in others.
        Assert.Contains(values, v => (v & 0x8000_0000) != 0);
        Assert.Contains(values, v => (v & 0x8000_0000) == 0);
    }

    [Fact]
    public void ClocksAdvanceAndAgreeWithEachOther()
    {
        // Every bound is bracketed by a stopwatch that covers the readings it checks, so a preempted thread on a
        // loaded machine widens the window instead of failing the test.
        var watch = Stopwatch.StartNew();
        ulong boot1 = Call(GlobalHelpers.KtimeGetBootNs), mono1 = Call(GlobalHelpers.KtimeGetNs);
        Thread.Sleep(30);
        ulong boot2 = Call(GlobalHelpers.KtimeGetBootNs), mono2 = Call(GlobalHelpers.KtimeGetNs);
        double elapsedNs = watch.Elapsed.TotalNanoseconds;

        // Time since boot including suspend is never behind the time excluding it: a boot reading taken after a
        // monotonic one is at least as large, however long the thread waited between them.
        ulong monoFirst = Call(GlobalHelpers.KtimeGetNs), bootLater = Call(GlobalHelpers.KtimeGetBootNs);
        Assert.True(bootLater >= monoFirst, $"boot {bootLater} < monotonic {monoFirst} read before it");
        Assert.InRange((double)(mono2 - mono1), 25e6, elapsedNs + 1e6);
        Assert.InRange((double)(boot2 - boot1), 25e6, elapsedNs + 1e6);

        // The millisecond clocks are the same clocks, coarser: each lies between the ns readings around it.
        ulong monoBefore = Call(GlobalHelpers.KtimeGetNs);
        ulong monoMs = Call(GlobalHelpers.KtimeGetMs);
        ulong monoAfter = Call(GlobalHelpers.KtimeGetNs);
        Assert.InRange((long)monoMs, (long)(monoBefore / 1_000_000) - 20, (long)(monoAfter / 1_000_000) + 20);
        ulong bootBefore = Call(GlobalHelpers.KtimeGetBootNs);
        ulong bootMs = Call(GlobalHelpers.KtimeGetBootMs);
        ulong bootAfter = Call(GlobalHelpers.KtimeGetBootNs);
        Assert.InRange((long)bootMs, (long)(bootBefore / 1_000_000) - 20, (long)(bootAfter / 1_000_000) + 20);
    }

    [Fact]
    public void PidTgidIsProcessIdAndThreadId()
    {
        ulong value = Call(GlobalHelpers.GetCurrentPidTgid);
        Assert.Equal((uint)Environment.ProcessId, (uint)(value >> 32));
        uint thread = (uint)value;
        Assert.NotEqual(0u, thread);
        // Another thread reports the same process and a different thread.
        ulong other = 0;
        var t = new Thread(() => other = Call(GlobalHelpers.GetCurrentPidTgid));
        t.Start();
        t.Join();
        Assert.Equal(value >> 32, other >> 32);
        Assert.NotEqual(thread, (uint)other);
        if (OperatingSystem.IsLinux())
        {
            // On Linux the thread id of the main thread of a process equals its pid; ours is a listed task.
            Assert.True(Directory.Exists($"/proc/self/task/{thread}"));
        }
    }

    [Fact]
    public void IsAdminReportsWhetherTheProcessIsPrivileged()
    {
        Assert.Equal(Environment.IsPrivilegedProcess ? 1ul : 0ul, Call(GlobalHelpers.IsCurrentAdmin));
    }

    [Fact]
    public void LogonIdIsTheAuditSessionOnLinux()
    {
        ulong logon = Call(GlobalHelpers.GetCurrentLogonId);
        if (OperatingSystem.IsLinux())
        {
            ulong expected = File.Exists("/proc/self/sessionid") && uint.TryParse(File.ReadAllText("/proc/self/sessionid").Trim(), out uint id) && id != uint.MaxValue ? id : 0;
            Assert.Equal(expected, logon);
        }
        Assert.Equal(logon, Call(GlobalHelpers.GetCurrentLogonId));
    }

    [Fact]
    public void ProcessStartKeyIsStableAndCarriesThePid()
    {
        ulong key = Call(GlobalHelpers.GetCurrentProcessStartKey);
        Assert.Equal(key, Call(GlobalHelpers.GetCurrentProcessStartKey));
        Assert.Equal((ulong)Environment.ProcessId & 0x3FFFFF, key & 0x3FFFFF);
        Assert.NotEqual(0ul, key >> 22);
    }

    [Fact]
    public void ThreadCreateTimeIsAFileTimeBetweenProcessStartAndNow()
    {
        ulong before = (ulong)DateTime.UtcNow.ToFileTimeUtc();
        ulong created = 0;
        var thread = new Thread(() => created = Call(GlobalHelpers.GetCurrentThreadCreateTime));
        thread.Start();
        thread.Join();
        ulong after = (ulong)DateTime.UtcNow.ToFileTimeUtc();
        // /proc reports in clock ticks (10 ms) and the boot instant is derived: allow 50 ms either way.
        const ulong slack = 50 * 10_000;
        Assert.InRange(created, before - slack, after + slack);
        ulong main = Call(GlobalHelpers.GetCurrentThreadCreateTime);
        ulong processStart = (ulong)Process.GetCurrentProcess().StartTime.ToUniversalTime().ToFileTimeUtc();
        Assert.InRange(main, processStart - slack, after + slack);
    }

    [Fact]
    public void ProcessorIdIsTheInvocationsSlot()
    {
        var registry = NewRegistry();
        var program = Load(registry, "cpu", "call 8\nexit");
        for (int i = 0; i < 20; i++)
            Assert.InRange(Invoke(program), 0ul, (ulong)Ebpf.Runtime.Memory.ProcessorSlots.Count - 1);
        // Directly (no invocation state) it reports the current slot, also in range.
        Assert.InRange(Call(GlobalHelpers.GetSmpProcessorId), 0ul, (ulong)Ebpf.Runtime.Memory.ProcessorSlots.Count - 1);
    }

    [Fact]
    public void ProgramsCanCallTheEnvironmentHelpers()
    {
        // r0 = pid_tgid >> 32 (the pid): the interpreter passes the call through unchanged.
        ulong pid = Run("call 19\nrsh %r0, 32\nexit", ExecutionMode.Checked);
        Assert.Equal((ulong)Environment.ProcessId, pid);
    }
}
