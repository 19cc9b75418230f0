namespace Ebpf.Runtime.Memory;

/// <summary>An object whose lifetime is shared by several holders (creator, pins, outer maps, programs).</summary>
public interface IReferenceCounted
{
    /// <summary>Adds a reference; throws <see cref="ObjectDisposedException"/> if the object is already gone.</summary>
    void AddReference();

    /// <summary>Drops a reference; the last one frees the object.</summary>
    void Release();
}
