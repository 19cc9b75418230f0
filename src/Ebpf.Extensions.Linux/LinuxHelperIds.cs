namespace Ebpf.Extensions.Linux;

/// <summary>Linux helper ids (<c>include/uapi/linux/bpf.h</c>, <c>enum bpf_func_id</c>) the Linux program types implement.</summary>
public static class LinuxHelperIds
{
    public const uint MapLookupElem = 1;
    public const uint MapUpdateElem = 2;
    public const uint MapDeleteElem = 3;
    public const uint KtimeGetNs = 5;
    public const uint TracePrintk = 6;
    public const uint GetPrandomU32 = 7;
    public const uint GetSmpProcessorId = 8;
    public const uint SkbStoreBytes = 9;
    public const uint L3CsumReplace = 10;
    public const uint L4CsumReplace = 11;
    public const uint TailCall = 12;
    public const uint SkbVlanPush = 18;
    public const uint SkbVlanPop = 19;
    public const uint Redirect = 23;
    public const uint GetHashRecalc = 34;
    public const uint SkbChangeTail = 38;
    public const uint SkbPullData = 39;
    public const uint PerfEventOutput = 25;
    public const uint SkbLoadBytes = 26;
    public const uint CsumDiff = 28;
    public const uint GetNumaNodeId = 42;
    public const uint GetSocketCookie = 46;
    public const uint XdpAdjustHead = 44;
    public const uint SkbAdjustRoom = 50;
    public const uint RedirectMap = 51;
    public const uint XdpAdjustMeta = 54;
    public const uint XdpAdjustTail = 65;
    public const uint SkbLoadBytesRelative = 68;
    public const uint MapPushElem = 87;
    public const uint MapPopElem = 88;
    public const uint MapPeekElem = 89;
    public const uint Jiffies64 = 118;
    public const uint KtimeGetBootNs = 125;
    public const uint RingbufOutput = 130;
    public const uint KtimeGetCoarseNs = 160;
    public const uint TraceVprintk = 177;
    public const uint XdpGetBuffLen = 188;
    public const uint XdpLoadBytes = 189;
    public const uint XdpStoreBytes = 190;
}
