namespace Ebpf.Platform;

/// <summary>Helper return kinds, numbered as PREVAIL's <c>ebpf_return_type_t</c> (the numbers are hashed).</summary>
public enum ReturnType
{
    Integer = 0,
    PtrToMapValueOrNull = 1,
    IntegerOrNoReturnIfSucceed = 2,
    Unsupported = 3,
    PtrToSockCommonOrNull = 4,
    PtrToSocketOrNull = 5,
    PtrToTcpSocketOrNull = 6,
    PtrToAllocMemOrNull = 7,
    PtrToBtfIdOrNull = 8,
    PtrToMemOrBtfIdOrNull = 9,
    PtrToBtfId = 10,
    PtrToMemOrBtfId = 11,
}
