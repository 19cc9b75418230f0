using System.Diagnostics.Tracing;

namespace Ebpf.Runtime.Tracing;

/// <summary>
/// The platform's event stream, for <c>dotnet-trace collect --providers EbpfForDotNet</c> or an in-process
/// <see cref="EventListener"/>. Event ids are stable: tools filter on them.
/// </summary>
[EventSource(Name = SourceName)]
public sealed class EbpfEventSource : EventSource
{
    public const string SourceName = "EbpfForDotNet";

    public static readonly EbpfEventSource Log = new();

    private EbpfEventSource() { }

    public static class Keywords
    {
        public const EventKeywords Objects = (EventKeywords)0x1;
        public const EventKeywords Verification = (EventKeywords)0x2;
        public const EventKeywords Extensions = (EventKeywords)0x4;
        public const EventKeywords Links = (EventKeywords)0x8;
        public const EventKeywords Programs = (EventKeywords)0x10;
    }

    public const int ObjectLoadedId = 1;
    public const int VerificationFailedId = 2;
    public const int HashMismatchId = 3;
    public const int LinkAttachedId = 4;
    public const int LinkDetachedId = 5;
    public const int ProviderRegisteredId = 6;
    public const int ProviderUnregisteredId = 7;
    public const int TracePrintkId = 8;
    public const int ProgramLoadedId = 9;

    [Event(ObjectLoadedId, Level = EventLevel.Informational, Keywords = Keywords.Objects,
        Message = "Object {0} loaded: {1} programs, {2} maps")]
    public void ObjectLoaded(string objectName, int programCount, int mapCount) =>
        WriteEvent(ObjectLoadedId, objectName, programCount, mapCount);

    [Event(ProgramLoadedId, Level = EventLevel.Informational, Keywords = Keywords.Programs,
        Message = "Program {0} ({1}) loaded as {2}, hash {3}")]
    public void ProgramLoaded(string programName, string section, string programType, string hash) =>
        WriteEvent(ProgramLoadedId, programName, section, programType, hash);

    [Event(VerificationFailedId, Level = EventLevel.Error, Keywords = Keywords.Verification,
        Message = "Verification of {0} ({1}) failed at instruction {2}: {3}")]
    public void VerificationFailed(string programName, string section, int instructionIndex, string message) =>
        WriteEvent(VerificationFailedId, programName, section, instructionIndex, message);

    [Event(HashMismatchId, Level = EventLevel.Error, Keywords = Keywords.Extensions,
        Message = "Program information hash mismatch for {0} (type {1}, provider {2}): expected {3}, got {4}")]
    public void HashMismatch(string programName, string programType, string provider, string expectedHash, string actualHash) =>
        WriteEvent(HashMismatchId, programName, programType, provider, expectedHash, actualHash);

    [Event(LinkAttachedId, Level = EventLevel.Informational, Keywords = Keywords.Links,
        Message = "Program {0} attached to {1}")]
    public void LinkAttached(string programName, string attachType) => WriteEvent(LinkAttachedId, programName, attachType);

    [Event(LinkDetachedId, Level = EventLevel.Informational, Keywords = Keywords.Links,
        Message = "Program {0} detached from {1}")]
    public void LinkDetached(string programName, string attachType) => WriteEvent(LinkDetachedId, programName, attachType);

    [Event(ProviderRegisteredId, Level = EventLevel.Informational, Keywords = Keywords.Extensions,
        Message = "{0} provider {1} registered for {2}")]
    public void ProviderRegistered(string role, string provider, string typeName) =>
        WriteEvent(ProviderRegisteredId, role, provider, typeName);

    [Event(ProviderUnregisteredId, Level = EventLevel.Informational, Keywords = Keywords.Extensions,
        Message = "{0} provider {1} unregistered from {2}")]
    public void ProviderUnregistered(string role, string provider, string typeName) =>
        WriteEvent(ProviderUnregisteredId, role, provider, typeName);

    [Event(TracePrintkId, Level = EventLevel.Verbose, Keywords = Keywords.Programs, Message = "{0}: {1}")]
    public void TracePrintk(string programName, string text) => WriteEvent(TracePrintkId, programName, text);
}
