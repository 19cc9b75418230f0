namespace Ebpf.TestSupport;

/// <summary>Locates the repository root (the folder holding Ebpf.slnx) and the shared test material beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary><c>../shared</c> relative to the repository root.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string SharedPath(params string[] parts) => Path.Combine([Shared, .. parts]);

    public static string RepoPath(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Ebpf.slnx above {AppContext.BaseDirectory}.");
    }
}
