using System.Diagnostics;
using Xunit.Abstractions;

namespace Ebpf.Verifier.Tests.Corpus;

/// <summary>
/// The shared corpus against PREVAIL's verdicts (expectations.tsv): accept most "pass" programs, refuse every
/// "reject" program. Prints per-directory counts, total and slowest verification time and peak memory. The default
/// run covers every directory but the large Cilium objects; EBPF_LONG_TESTS=1 verifies the whole corpus.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1";
    /// <summary>
    /// "pass" programs accepted at the last measurement: the whole corpus, and without the Cilium directories
    /// (build/twostackvars.o, which reads through a pointer into one of two arrays each initialized on its own
    /// branch, is proved by path exploration: the fixpoint's join keeps neither array initialized). Every "pass"
    /// program is accepted. The last three (cilium/bpf_lxc.o 2/7 and 2/10, cilium-core/bpf_overlay.o
    /// tail_nodeport_nat_egress_ipv6) needed the path pass to forget the values of helpers' "anything" arguments:
    /// checksum offsets, flags and nexthdr-dependent protocol offsets, different on each path through an unrolled
    /// walk over IPv6 extension headers, had kept more distinct paths waiting than the pass allows.
    /// </summary>
    private const int MinimumPassAcceptedAll = 316;
    private const int MinimumPassAcceptedQuick = 186;

    /// <summary>
    /// The "expected_failure" programs (PREVAIL refuses them though the kernel loads them) that we accept, each with
    /// why it is really safe. Any other accepted expected_failure program fails the test: it must be shown safe first.
    /// </summary>
    private const string StoreBytesFlag =
        "PREVAIL: VerifierBoundsTracking. Cilium's inline-asm xdp_store_bytes checks the packet bound into a return code " +
        "(r = p + n > data_end ? -EINVAL : 0) and stores only when r == 0; the fixpoint (ours, like PREVAIL's) joins the " +
        "two values of r before the test and loses which path checked. Proved by path exploration: each path keeps the " +
        "bound its own test established, and every store and load happens on a path where it held. ";

    /// <summary>The same idiom for loads: xdp_load_bytes, r = p + n > data_end ? -EINVAL : 0, then a load when r == 0.</summary>
    private const string LoadBytesFlag =
        "PREVAIL: VerifierBoundsTracking. Cilium's inline-asm xdp_load_bytes checks the packet bound into a return code " +
        "and loads only when it is 0; the fixpoint joins the code's values and loses which path checked. Proved by path " +
        "exploration (tractable since the path pass ignores dead stack slots and irrelevant stack numbers at its joins): " +
        "every load happens on a path whose own check covers it. ";

    private static readonly Dictionary<(string Object, string Section, string Function), string> SafeExpectedFailures = new()
    {
        [("cilium/bpf_xdp_dsr_linux.o", "2/7", "tail_lb_ipv4")] = LoadBytesFlag + "Loads at pcs 126, 341, 359, 421, 510; and " +
            "w3 &= 0xff at pc 366 on a register that holds the byte loaded at pc 341 on every path reaching it (a pointer only " +
            "on paths the fixpoint joins in).",
        [("cilium/bpf_xdp_dsr_linux_v1.o", "2/7", "tail_lb_ipv4")] = LoadBytesFlag + "Another build of bpf_xdp_dsr_linux.o 2/7.",
        [("cilium/bpf_xdp_dsr_linux_v1_1.o", "2/7", "tail_lb_ipv4")] = LoadBytesFlag + "Another build of bpf_xdp_dsr_linux.o 2/7.",
        [("cilium-core/bpf_xdp.o", "xdp/tail", "tail_nodeport_nat_egress_ipv4")] = LoadBytesFlag + "Loads at pcs 97 " +
            "(4 bytes at p + ihl), 1220 (and 1233, 1241 through the same pointer), 1309, and the store at 1284 (the store " +
            "idiom), each after its own check folded into r3.",
        [("cilium-core/bpf_sock.o", "cgroup/recvmsg6", "cil_sock6_recvmsg")] =
            "PREVAIL: VerifierMapTyping. The map update at pc 303 reads its 24-byte key at fp-48; the fixpoint joins paths " +
            "that leave before the update with ones that reach it and so loses that every byte of the key was written. " +
            "Path exploration checks the key on each path that reaches the update (only numeric stack bytes pass: the " +
            "path pass's pruning never makes a byte numeric).",
        [("cilium/bpf_xdp_dsr_linux.o", "2/20", "tail_nodeport_ipv4_dsr")] = StoreBytesFlag + "IPv4 DSR option: stores of the option at p+32 (pc 230).",
        [("cilium/bpf_xdp_dsr_linux_v1.o", "2/20", "tail_nodeport_ipv4_dsr")] = StoreBytesFlag + "Same code as bpf_xdp_dsr_linux.o 2/20 (pc 230).",
        [("cilium/bpf_xdp_dsr_linux_v1_1.o", "2/20", "tail_nodeport_ipv4_dsr")] = StoreBytesFlag + "Same code, other build (pc 256).",
        [("cilium/bpf_xdp_dsr_linux.o", "2/21", "tail_nodeport_ipv6_dsr")] = StoreBytesFlag + "IPv6 DSR extension header: the 2-byte next-header store (pc 344) and the 8-byte option store (pc 559).",
        [("cilium/bpf_xdp_dsr_linux_v1.o", "2/21", "tail_nodeport_ipv6_dsr")] = StoreBytesFlag + "Same code as bpf_xdp_dsr_linux.o 2/21 (pcs 344, 559).",
        [("cilium/bpf_xdp_dsr_linux_v1_1.o", "2/21", "tail_nodeport_ipv6_dsr")] = StoreBytesFlag + "Same code, other build (pcs 375, 625).",
        [("cilium-core/bpf_xdp.o", "xdp/tail", "tail_nodeport_ipv4_dsr")] = StoreBytesFlag + "tail_nodeport_ipv4_dsr: the option store at p+32 (pc 532), and the " +
            "2-byte read at pc 283 through a pointer past the variable-length IPv4 header, checked on each path.",
        [("cilium-core/bpf_host.o", "tc/tail", "tail_handle_snat_fwd_ipv6")] =
            "PREVAIL: VerifierNullability. bpf_redirect_neigh at pc 927 takes its params either as NULL with size 0 " +
            "(egress_gateway.h:374, r2 = 0, r3 = 0, from pc 871) or as &nh_params, 20 bytes at fp-40 written just before " +
            "(fib.h:115, from pc 1133); the fixpoint joins the two and keeps r2 neither null nor a pointer. Path " +
            "exploration checks each call with its own r2 and r3 (tractable once helpers' \"anything\" arguments lose " +
            "their values at joins).",
        [("build/loop.o", "test_md", "foo")] =
            "Two loops over a 40-byte zeroed stack buffer exit on `i != 40` (i from 0 by 1): i <= 39 inside both, so every " +
            "store and load stays within the buffer; PREVAIL's widening overshoots the `!= 40` bound, thresholds do not.",
        [("linux/test_map_in_map_kern.o", "kprobe/sys_connect", "kprobe/sys_connect")] =
            "Compares an inner map taken from an array of maps with &port_a (map descriptors compared for equality reveal " +
            "no address) and reads the inner maps' 4-byte values only after null checks; PREVAIL's type tracking of " +
            "map-in-map results is what refuses it.",
    };

    [Fact]
    public void AgreesWithPrevailVerdicts()
    {
        var rows = CorpusRow.Load(Path.Combine(CorpusVerification.Root, "expectations.tsv"))
            .Where(r => Long || !r.Directory.StartsWith("cilium", StringComparison.Ordinal)).ToList();
        var options = VerifierOptions.Default with { CheckTermination = false };
        var outcomes = new List<CorpusVerification.Outcome>();
        var total = Stopwatch.StartNew();
        foreach (var group in rows.Where(r => r.Status != "reject_load").GroupBy(r => r.Object))
            outcomes.AddRange(CorpusVerification.VerifyObject(group.Key, group.ToList(), options));
        total.Stop();

        foreach (var dir in outcomes.GroupBy(o => o.Row.Directory).OrderBy(g => g.Key))
        {
            var pass = dir.Where(o => o.Row.Status == "pass").ToList();
            var reject = dir.Where(o => o.Row.Status == "reject").ToList();
            var xfail = dir.Where(o => o.Row.Status == "expected_failure").ToList();
            output.WriteLine($"{dir.Key}: pass accepted {pass.Count(o => o.Accepted == true)}/{pass.Count}, " +
                $"reject refused {reject.Count(o => o.Accepted == false)}/{reject.Count}, " +
                $"expected_failure accepted {xfail.Count(o => o.Accepted == true)}/{xfail.Count}, not loaded {dir.Count(o => o.Accepted is null)}");
        }
        var allPass = outcomes.Where(o => o.Row.Status == "pass").ToList();
        var allReject = outcomes.Where(o => o.Row.Status == "reject").ToList();
        int passAccepted = allPass.Count(o => o.Accepted == true);
        var slowest = outcomes.OrderByDescending(o => o.Elapsed).First();
        output.WriteLine($"TOTAL pass accepted {passAccepted}/{allPass.Count}; reject refused {allReject.Count(o => o.Accepted == false)}/{allReject.Count}");
        output.WriteLine($"time {total.Elapsed.TotalSeconds:F1} s total; slowest {slowest.Elapsed.TotalSeconds:F2} s ({slowest.Row.Object} {slowest.Row.Section}); " +
            $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MiB");
        foreach (var o in outcomes.OrderByDescending(o => o.Elapsed).Take(15))
            output.WriteLine($"SLOW {o.Elapsed.TotalSeconds:F2} s {o.Row.Object} {o.Row.Section}/{o.Row.Function}: " +
                $"{(o.Accepted == true ? "accepted by " + o.Result!.Pass : "refused")}, path pass {o.Result?.ExploredInstructions} instructions" +
                (o.Result?.PathExplorationFailure is { } why ? $" ({why})" : ""));
        foreach (var o in outcomes.Where(o => o.Row.Status == "pass" && o.Accepted != true))
            output.WriteLine($"REFUSED pass {o.Row.Object} {o.Row.Section}/{o.Row.Function}: {o.Detail.Split('\n')[0]}");
        foreach (var o in allReject.Where(o => o.Accepted != false))
            output.WriteLine($"ACCEPTED reject {o.Row.Object} {o.Row.Section}/{o.Row.Function}");
        foreach (var o in outcomes.Where(o => o.Row.Status == "expected_failure" && o.Accepted == true))
            output.WriteLine($"ACCEPTED expected_failure {o.Row.Object} {o.Row.Section}/{o.Row.Function}");

        var acceptedExpectedFailures = outcomes.Where(o => o.Row.Status == "expected_failure" && o.Accepted == true)
            .Select(o => (o.Row.Object, o.Row.Section, o.Row.Function)).ToHashSet();
        var inScope = rows.Select(r => (r.Object, r.Section, r.Function)).ToHashSet();
        Assert.True(acceptedExpectedFailures.SetEquals(SafeExpectedFailures.Keys.Where(inScope.Contains)),
            "accepted expected_failure programs differ from the ones shown safe: " + string.Join(", ", acceptedExpectedFailures));
        Assert.All(allReject, o => Assert.False(o.Accepted == true, $"{o.Row.Object} {o.Row.Section} must be refused"));
        int minimum = Long ? MinimumPassAcceptedAll : MinimumPassAcceptedQuick;
        Assert.True(passAccepted >= minimum, $"pass accepted {passAccepted}/{allPass.Count}, below the {minimum} measured before");
    }
}
