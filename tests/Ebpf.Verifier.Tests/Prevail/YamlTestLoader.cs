using YamlDotNet.RepresentationModel;

namespace Ebpf.Verifier.Tests.Prevail;

/// <summary>Reads PREVAIL's YAML test files (multi-document; schema in test-schema.yaml).</summary>
internal static class YamlTestLoader
{
    public static IReadOnlyList<YamlTestCase> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var cases = new List<YamlTestCase>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode root) continue;
            string name = Scalar(root, "test-case") ?? throw new InvalidDataException($"{path}: a case without test-case");
            var code = new List<(string, IReadOnlyList<string>)>();
            if (Child(root, "code") is YamlMappingNode codeNode)
            {
                foreach (var (k, v) in codeNode.Children)
                {
                    var text = v is YamlScalarNode s ? s.Value ?? "" : "";
                    var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
                    code.Add((((YamlScalarNode)k).Value!, lines));
                }
            }
            cases.Add(new YamlTestCase(Path.GetFileName(path), name, Sequence(root, "options"), Sequence(root, "pre"), code,
                Sequence(root, "post"), Sequence(root, "messages"), Child(root, "expected-exception") is not null,
                Observations(root)));
        }
        return cases;
    }

    /// <summary>The observe entries; a malformed one (only in exception fixtures) yields none.</summary>
    private static IReadOnlyList<YamlObservation> Observations(YamlMappingNode root)
    {
        if (Child(root, "observe") is not YamlSequenceNode seq) return [];
        var result = new List<YamlObservation>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m || Scalar(m, "at") is not { } at) continue;
            result.Add(new YamlObservation(at, Scalar(m, "point") ?? "pre", Scalar(m, "mode") == "entailed", Sequence(m, "constraints")));
        }
        return result;
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static IReadOnlyList<string> Sequence(YamlMappingNode node, string key) =>
        Child(node, key) is YamlSequenceNode seq
            ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
            : [];
}
