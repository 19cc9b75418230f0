using System.Runtime.InteropServices;
using static Ebpf.Extensions.Process.Linux.ProcessConnectorMessage;

namespace Ebpf.Extensions.Process.Linux;

/// <summary>
/// Every process of this machine, from the kernel's process connector (netlink <c>NETLINK_CONNECTOR</c>,
/// <c>CN_IDX_PROC</c>; subscribing needs CAP_NET_ADMIN). An exec is a creation and a thread-group leader's exit is an
/// exit; fork events only remember who created whom. Image path and command line are read from <c>/proc/&lt;pid&gt;</c>
/// as the exec arrives (a process that exits before then is reported without them) and kept until the exit, when the
/// kernel has already released them. The process already runs when its event arrives, so a non-zero status is only
/// recorded (<see cref="ProcessEventSource.VerdictRecorded"/>), never enforced. One reader thread,
/// <see cref="ThreadName"/>, delivers in the kernel's order.
/// </summary>
public sealed unsafe class LinuxProcessConnector(ProcessHook hook) : ProcessEventSource(hook)
{
    /// <summary>The name of the reader thread (what <c>/proc/self/task/*/comm</c> shows).</summary>
    public const string ThreadName = "ebpf-proc-conn";

    /// <summary>Receive buffer asked for (SO_RCVBUFFORCE): room for about 100,000 events before the kernel drops any.</summary>
    public const int ReceiveBufferBytes = 8 << 20;

    /// <summary>The SCHED_FIFO priority the reader thread asks for (needs CAP_SYS_NICE; the lowest real-time one).</summary>
    public const int ReaderRealtimePriority = 1;

    /// <summary>The nice value the reader asks for when real-time priority is refused (best effort).</summary>
    public const int ReaderNice = -10;

    private const int MaxRemembered = 1 << 16;
    private static int s_sequence = Environment.ProcessId << 8;

    private readonly ProcFs _procfs = new();
    private readonly Dictionary<int, KnownProcess> _known = [];
    private Subscription? _current;
    private long _overruns, _deliveryErrors;

    /// <summary>One start's socket, wake-up eventfd and reader thread: a stop from the reader itself leaves the closing to it.</summary>
    private sealed class Subscription(int socket, int wake)
    {
        public int Socket { get; } = socket;
        public int Wake { get; } = wake;
        public Thread? Reader { get; set; }
        public volatile bool Stopping;
        public volatile bool ClosedByReader;
    }
    private long _monotonicToFileTime, _boottimeToFileTime;

    public override string Name => "Linux process connector";

    public override bool EnforcesVerdicts => false;

    /// <summary>Times the kernel dropped events because the receive buffer was full (ENOBUFS on receive).</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>Events whose delivery threw (the reader goes on); <see cref="LastDeliveryError"/> holds the last.</summary>
    public long DeliveryErrors => Interlocked.Read(ref _deliveryErrors);

    public Exception? LastDeliveryError { get; private set; }

    /// <summary>Whether a subscription is possible here (Linux, CAP_NET_ADMIN): subscribes once and leaves again.</summary>
    public static bool IsAvailable(out string reason)
    {
        try
        {
            Native.Close(Subscribe());
            reason = "";
            return true;
        }
        catch (ProcessEventSourceException e)
        {
            reason = e.Message;
            return false;
        }
    }

    protected override void StartCore()
    {
        int socket = Subscribe();
        int wake = Native.EventFd(0, Native.EfdCloexec | Native.EfdNonblock);
        if (wake < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Unsubscribe(socket);
            throw new ProcessEventSourceException($"process connector: eventfd failed: {Native.Describe(errno)}", errno);
        }
        long fileTimeNow = DateTime.UtcNow.ToFileTimeUtc();
        _monotonicToFileTime = fileTimeNow - Native.Now(Native.ClockMonotonic) / 100;
        _boottimeToFileTime = fileTimeNow - Native.Now(Native.ClockBoottime) / 100;
        // Compile the /proc readers now: the first exec must not wait for the JIT while its process runs on.
        Learn(Environment.ProcessId);
        _known.Clear();
        var subscription = new Subscription(socket, wake);
        subscription.Reader = new Thread(() => ReadLoop(subscription)) { IsBackground = true, Name = ThreadName };
        _current = subscription;
        subscription.Reader.Start();
    }

    protected override void StopCore()
    {
        var subscription = _current!;
        _current = null;
        subscription.Stopping = true;
        ulong one = 1;
        Native.Write(subscription.Wake, (byte*)&one, sizeof(ulong));
        if (Thread.CurrentThread == subscription.Reader)
        {
            // A handler on the reader thread detached the last link: it delivers nothing more and closes on its way out.
            subscription.ClosedByReader = true;
            return;
        }
        subscription.Reader!.Join();
        Close(subscription);
        _known.Clear();
    }

    private static void Close(Subscription subscription)
    {
        Unsubscribe(subscription.Socket);
        Native.Close(subscription.Wake);
    }

    /// <summary>Opens a connector socket, joins CN_IDX_PROC and asks for events; returns the socket once the kernel acknowledged.</summary>
    private static int Subscribe()
    {
        if (!OperatingSystem.IsLinux())
            throw new ProcessEventSourceException($"the process connector is a Linux facility; this is {RuntimeInformation.OSDescription}");
        int fd = Native.Socket(Native.AfNetlink, Native.SockDgram | Native.SockCloexec, Native.NetlinkConnector);
        if (fd < 0) throw Failure("socket(AF_NETLINK, NETLINK_CONNECTOR)", Marshal.GetLastPInvokeError());
        try
        {
            int size = ReceiveBufferBytes;
            if (Native.SetSocketOption(fd, Native.SolSocket, Native.SoRcvbufForce, &size, sizeof(int)) != 0)
                Native.SetSocketOption(fd, Native.SolSocket, Native.SoRcvbuf, &size, sizeof(int));
            // struct sockaddr_nl: family, pad, port id (0: the kernel picks), groups.
            byte* address = stackalloc byte[12];
            new Span<byte>(address, 12).Clear();
            *(ushort*)address = Native.AfNetlink;
            *(uint*)(address + 8) = ConnectorIndexProc;
            if (Native.Bind(fd, address, 12) != 0) throw Failure("joining the process events group (bind)", Marshal.GetLastPInvokeError());
            uint sequence = (uint)Interlocked.Increment(ref s_sequence);
            Send(fd, Control(McastListen, sequence, 0), "subscribing (PROC_CN_MCAST_LISTEN)");
            int error = AwaitAcknowledgement(fd, sequence);
            if (error != 0) throw Failure("subscribing (PROC_CN_MCAST_LISTEN)", error);
            return fd;
        }
        catch
        {
            Native.Close(fd);
            throw;
        }
    }

    private static ProcessEventSourceException Failure(string what, int errno) => new(errno == Native.EPerm
        ? $"process connector: {what} was refused: the Linux process connector needs CAP_NET_ADMIN (run as root)"
        : $"process connector: {what} failed: {Native.Describe(errno)}", errno);

    private static void Send(int fd, byte[] message, string what)
    {
        fixed (byte* m = message)
            if (Native.Send(fd, m, message.Length, 0) != message.Length) throw Failure(what, Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// The error the kernel acknowledged our request with (its ack field is ours + 1; its sequence is the kernel's own).
    /// Other subscribers' acknowledgements and events are passed over.
    /// </summary>
    private static int AwaitAcknowledgement(int fd, uint sequence)
    {
        var buffer = new byte[8192];
        long deadline = Environment.TickCount64 + 2000;
        while (true)
        {
            int left = (int)(deadline - Environment.TickCount64);
            if (left <= 0) throw new ProcessEventSourceException("process connector: the kernel did not acknowledge the subscription within 2 s");
            var poll = new Native.PollFd { Fd = fd, Events = Native.PollIn };
            if (Native.Poll(&poll, 1, left) <= 0) continue;
            nint received;
            fixed (byte* b = buffer) received = Native.Receive(fd, b, buffer.Length, Native.MsgDontwait);
            if (received <= 0) continue;
            var state = (Sequence: sequence, Error: -1);
            ForEachEvent(buffer.AsSpan(0, (int)received), ref state, static (ref (uint Sequence, int Error) s, ReadOnlySpan<byte> e, uint seq, uint ack) =>
            {
                if (U32(e, What) == EventNone && ack == s.Sequence + 1) s.Error = (int)U32(e, Data);
            });
            if (state.Error >= 0) return state.Error;
        }
    }

    private static void Unsubscribe(int fd)
    {
        // Best effort: the kernel counts listeners globally, so leave as we came; the socket goes either way.
        var message = Control(McastIgnore, (uint)Interlocked.Increment(ref s_sequence), 0);
        fixed (byte* m = message) Native.Send(fd, m, message.Length, Native.MsgDontwait);
        Native.Close(fd);
    }

    private void ReadLoop(Subscription subscription)
    {
        try
        {
            Read(subscription);
        }
        finally
        {
            if (subscription.ClosedByReader) Close(subscription);
        }
    }

    private void Read(Subscription subscription)
    {
        // Ahead of ordinary threads where permitted (root): /proc must be read before a short-lived process exits,
        // which takes a millisecond or two for a shell that exits at once. Real-time priority 1 (the lowest) wakes
        // the reader as an event arrives; it blocks in poll between batches, and the kernel's real-time throttling
        // bounds it under a storm. Without the privilege, a lower nice value; without that, as it is.
        int tid = Native.GetTid(), priority = ReaderRealtimePriority;
        if (Native.SetScheduler(tid, Native.SchedFifo, &priority) != 0) Native.SetPriority(Native.PrioProcess, tid, ReaderNice);
        var buffer = new byte[64 * 1024];
        var fds = stackalloc Native.PollFd[2];
        fds[0] = new Native.PollFd { Fd = subscription.Socket, Events = Native.PollIn };
        fds[1] = new Native.PollFd { Fd = subscription.Wake, Events = Native.PollIn };
        var batch = new List<Pending>(BatchSize);
        while (true)
        {
            fds[0].Revents = fds[1].Revents = 0;
            if (Native.Poll(fds, 2, -1) < 0 && Marshal.GetLastPInvokeError() != Native.EIntr) return;
            if (fds[1].Revents != 0) return;
            bool drained = false;
            while (!drained)
            {
                // Take what is queued first, reading /proc for each exec as it is taken, then run the programs on the
                // batch: a process that exits while programs run on earlier events has been read already.
                batch.Clear();
                while (batch.Count < BatchSize)
                {
                    nint received;
                    fixed (byte* b = buffer) received = Native.Receive(subscription.Socket, b, buffer.Length, Native.MsgDontwait);
                    if (received < 0)
                    {
                        int errno = Marshal.GetLastPInvokeError();
                        if (errno == Native.ENoBufs) Interlocked.Increment(ref _overruns);
                        else if (errno != Native.EIntr)
                        {
                            drained = true; // EAGAIN: nothing more queued
                            break;
                        }
                        continue;
                    }
                    ForEachEvent(buffer.AsSpan(0, (int)received), ref batch, Take);
                }
                foreach (var pending in batch)
                {
                    if (subscription.Stopping) return;
                    Handle(pending);
                }
            }
        }
    }

    private const int BatchSize = 64;

    /// <summary>A received event; an exec carries what /proc said when it was received.</summary>
    private readonly record struct Pending(uint What, ulong Timestamp, uint A, uint B, uint C, uint D, uint E, uint F, ProcSnapshot? Exec);

    private sealed record ProcSnapshot(string? ImagePath, string? CommandLine, (int ParentId, long StartTicks)? Stat);

    private void Take(ref List<Pending> batch, ReadOnlySpan<byte> e, uint sequence, uint ack)
    {
        uint what = U32(e, What);
        if (what is not (EventFork or EventExec or EventExit)) return;
        ProcSnapshot? exec = null;
        if (what == EventExec)
        {
            int pid = (int)U32(e, Data + 4);
            // A short-lived process may exit any moment: the image goes first, then the command line.
            string? image = _procfs.ImagePath(pid), commandLine = _procfs.CommandLine(pid);
            exec = new ProcSnapshot(image, commandLine, _procfs.Stat(pid));
        }
        batch.Add(new Pending(what, U64(e, Timestamp), U32(e, Data), U32(e, Data + 4), U32(e, Data + 8), U32(e, Data + 12),
            U32(e, Data + 16), U32(e, Data + 20), exec));
    }

    private void Handle(in Pending e)
    {
        try
        {
            switch (e.What)
            {
                case EventFork: OnFork(e); break;
                case EventExec: OnExec(e); break;
                case EventExit: OnExit(e); break;
            }
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref _deliveryErrors);
            LastDeliveryError = error;
        }
    }

    // fork: parent_pid, parent_tgid, child_pid, child_tgid.
    private void OnFork(in Pending e)
    {
        int parentThread = (int)e.A, parent = (int)e.B, child = (int)e.C, childLeader = (int)e.D;
        if (child != childLeader) return; // a new thread, not a process
        var known = _known.GetValueOrDefault(parent) ?? Learn(parent);
        Remember(child, new KnownProcess(parent, parent, parentThread, FromMonotonic(e.Timestamp), known?.ImagePath, known?.CommandLine));
    }

    // exec: process_pid, process_tgid.
    private void OnExec(in Pending e)
    {
        int pid = (int)e.B;
        var (image, commandLine, stat) = e.Exec!;
        var forked = _known.GetValueOrDefault(pid);
        int parent = stat?.ParentId ?? forked?.ParentId ?? 0;
        ulong created = forked?.CreationTime ?? (stat is { } s ? FromBoot(s.StartTicks) : FromMonotonic(e.Timestamp));
        var known = new KnownProcess(parent, forked?.CreatingProcessId ?? parent, forked?.CreatingThreadId ?? 0, created, image, commandLine);
        Remember(pid, known);
        DeliverCreate(new ProcessEvent(ProcessOperation.Create, (ulong)pid)
        {
            ParentProcessId = (ulong)parent,
            CreatingProcessId = (ulong)known.CreatingProcessId,
            CreatingThreadId = (ulong)known.CreatingThreadId,
            CreationTime = created,
            ImagePath = image ?? "",
            CommandLine = commandLine ?? "",
        });
    }

    // exit: process_pid, process_tgid, exit_code (a wait status), exit_signal, parent_pid, parent_tgid.
    private void OnExit(in Pending e)
    {
        int thread = (int)e.A, pid = (int)e.B;
        if (thread != pid) return; // a thread, not the process
        uint status = e.C;
        int parent = (int)e.F;
        _known.Remove(pid, out var known);
        ulong created = known?.CreationTime ?? (_procfs.Stat(pid) is { } s ? FromBoot(s.StartTicks) : 0);
        DeliverExit(new ProcessEvent(ProcessOperation.Delete, (ulong)pid)
        {
            ParentProcessId = (ulong)parent,
            CreatingProcessId = (ulong)(known?.CreatingProcessId ?? parent),
            CreatingThreadId = (ulong)(known?.CreatingThreadId ?? 0),
            CreationTime = created,
            ExitTime = FromMonotonic(e.Timestamp),
            ExitCode = ExitCode(status),
            ImagePath = known?.ImagePath ?? "",
            CommandLine = known?.CommandLine ?? "",
        });
    }

    /// <summary>A wait status as a shell reports it: the exit status, or 128 + the signal that ended the process.</summary>
    public static uint ExitCode(uint waitStatus) => (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f);

    /// <summary>A process that ran before the subscription: what /proc says of it, remembered so its forks inherit its image.</summary>
    private KnownProcess? Learn(int pid)
    {
        if (_procfs.Stat(pid) is not { } stat) return null;
        var known = new KnownProcess(stat.ParentId, stat.ParentId, 0, FromBoot(stat.StartTicks), _procfs.ImagePath(pid), _procfs.CommandLine(pid));
        Remember(pid, known);
        return known;
    }

    private void Remember(int pid, KnownProcess known)
    {
        // Exits lost to an overrun would leave entries behind: past the bound, forget processes that are gone.
        if (_known.Count >= MaxRemembered && !_known.ContainsKey(pid))
            foreach (var gone in _known.Keys.Where(p => !Directory.Exists($"/proc/{p}")).ToList()) _known.Remove(gone);
        _known[pid] = known;
    }

    private ulong FromMonotonic(ulong nanoseconds) => (ulong)(_monotonicToFileTime + (long)(nanoseconds / 100));

    private ulong FromBoot(long ticks) => (ulong)(_boottimeToFileTime + ticks * (10_000_000 / ProcFs.ClockTicksPerSecond));

    private sealed record KnownProcess(int ParentId, int CreatingProcessId, int CreatingThreadId, ulong CreationTime, string? ImagePath, string? CommandLine);
}
