using System.Text;

namespace Ebpf.Cli.Commands;

/// <summary>A plain text table: columns padded to their widest cell, numbers right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add([.. cells.Select(c => c?.ToString() ?? "")]);

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var numeric = headers.Select((_, i) => _rows.Count > 0 && _rows.All(r => r[i].Length > 0 && r[i].All(char.IsAsciiDigit))).ToArray();
        void Line(string[] cells)
        {
            var line = new StringBuilder();
            for (int i = 0; i < cells.Length; i++)
            {
                if (i > 0) line.Append("  ");
                line.Append(numeric[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
            }
            output.WriteLine(line.ToString().TrimEnd());
        }
        Line(headers);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (var row in _rows) Line(row);
    }
}
