namespace Ebpf.Verifier.Tests.Corpus;

/// <summary>A row of the shared corpus' expectations.tsv: PREVAIL's verdict on one program.</summary>
internal sealed record CorpusRow(string Object, string Section, string Function, string Status)
{
    public string Directory => Object.Contains('/') ? Object[..Object.IndexOf('/')] : ".";

    public static IReadOnlyList<CorpusRow> Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int obj = Array.IndexOf(header, "object"), sec = Array.IndexOf(header, "section"),
            fn = Array.IndexOf(header, "function"), status = Array.IndexOf(header, "prevail_status");
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(f => new CorpusRow(f[obj], f[sec], f[fn], f[status])).ToList();
    }
}
