using System.Text.RegularExpressions;

namespace Operator.Playground.Tests;

/// <summary>
/// The stable parts of a command's output: what stays the same from run to run on any machine. Ages, timestamps,
/// uids, resourceVersions, ports, the playground's folder, hex strings (tokens, hashes) and column padding are replaced or squeezed, on the
/// shown and the seen output alike, so the docs can print real output and still be checked line by line.
/// </summary>
public static partial class StableText
{
    public static string Of(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(Line).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines);
    }

    private static string Line(string line)
    {
        line = Timestamp().Replace(line, "<time>");
        line = HttpDate().Replace(line, "<time>");
        line = Uid().Replace(line, "<uid>");
        line = ResourceVersion().Replace(line, "resourceVersion: <rv>");
        line = Port().Replace(line, "127.0.0.1:<port>");
        line = PlaygroundFile().Replace(line, "<dir>/$1");
        line = Hex().Replace(line, "<hex>");
        line = Age().Replace(line, "<age>");
        return Spaces().Replace(line, " ").Trim();
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")]
    private static partial Regex Timestamp();

    // kubectl describe: "Mon, 02 Jan 2006 15:04:05 -0700"
    [GeneratedRegex(@"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")]
    private static partial Regex HttpDate();

    [GeneratedRegex(@"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")]
    private static partial Regex Uid();

    [GeneratedRegex(@"resourceVersion: ""?\d+""?")]
    private static partial Regex ResourceVersion();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();

    // Where the playground writes its files: the folder it was started in.
    [GeneratedRegex(@"(?:/[\w.@+-]+)+/(playground\.kubeconfig|playground\.env|playground-ca\.crt)")]
    private static partial Regex PlaygroundFile();

    [GeneratedRegex(@"\b[0-9a-f]{16,}\b")]
    private static partial Regex Hex();

    // Table and describe ages: 5s, 12m, 3h, 2d, 2m30s, 3h5m, and "<invalid>" (a clock a second apart).
    [GeneratedRegex(@"(?<![\w.:/-])(\d+[smhd])(\d+[smh])?(?![\w.:/-])|<invalid>")]
    private static partial Regex Age();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
