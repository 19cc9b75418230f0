namespace Ebpf.Runtime.Maps;

/// <summary>
/// eBPF for Windows result codes (<c>ebpf_result_t</c>, values 0..34 in order). Program-facing map operations
/// return the negated value (e.g. -29 for a full hash map), as the core helpers do.
/// </summary>
public enum EbpfResult
{
    Success = 0,
    VerificationFailed = 1,
    JitCompilationFailed = 2,
    ProgramLoadFailed = 3,
    InvalidFd = 4,
    InvalidObject = 5,
    InvalidArgument = 6,
    ObjectNotFound = 7,
    ObjectAlreadyExists = 8,
    FileNotFound = 9,
    AlreadyPinned = 10,
    NotPinned = 11,
    NoMemory = 12,
    ProgramTooLarge = 13,
    RpcException = 14,
    AlreadyInitialized = 15,
    ElfParsingFailed = 16,
    Failed = 17,
    OperationNotSupported = 18,
    KeyNotFound = 19,
    AccessDenied = 20,
    BlockedByPolicy = 21,
    ArithmeticOverflow = 22,
    ExtensionFailedToLoad = 23,
    InsufficientBuffer = 24,
    NoMoreKeys = 25,
    KeyAlreadyExists = 26,
    NoMoreTailCalls = 27,
    Pending = 28,
    OutOfSpace = 29,
    Canceled = 30,
    InvalidPointer = 31,
    Timeout = 32,
    StaleId = 33,
    InvalidState = 34,
}
