using System.Text.RegularExpressions;

namespace Operator.IntegrationTests.Api;

/// <summary>A README curl command and the <c># → status output</c> line under it (<c>…</c>: any text).</summary>
internal sealed partial record CurlExample(string Command, string Expected)
{
    /// <summary>Whether the status is the shown one and the shown output's parts (between <c>…</c>) appear in order.</summary>
    public bool Matches(int status, string output)
    {
        var space = Expected.IndexOf(' ', StringComparison.Ordinal);
        if ((space < 0 ? Expected : Expected[..space]) != status.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        var at = 0;
        foreach (var part in space < 0 ? [] : Expected[(space + 1)..].Split('…', StringSplitOptions.RemoveEmptyEntries))
        {
            var found = output.IndexOf(part, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + part.Length;
        }

        return space >= 0 || output.Length == 0;
    }

    /// <summary>The method and path (no query) the command asks for, with <paramref name="env"/>'s variables put in.</summary>
    public (string Method, string Path) Request(IReadOnlyDictionary<string, string> env)
    {
        var method = MethodFlag().Match(Command) is { Success: true } m ? m.Groups[1].Value : "GET";
        var url = Url().Match(Command).Groups[1].Value;
        foreach (var (name, value) in env)
        {
            url = url.Replace("$" + name, value, StringComparison.Ordinal);
        }

        return (method, url.Split('?')[0]);
    }

    [GeneratedRegex(@"-X ([A-Z]+)")]
    private static partial Regex MethodFlag();

    [GeneratedRegex(@"\$API([^\s""']*)")]
    private static partial Regex Url();
}

/// <summary>The README's curl block: the lines every command needs (variables such as AUTH), and the commands.</summary>
internal sealed record CurlExamples(IReadOnlyList<string> Prelude, IReadOnlyList<CurlExample> Commands)
{
    private const string Expect = "# → ";

    /// <summary>
    /// The first <c>sh</c> block under <c>## curl</c>, as bash reads it (a line ending in a backslash or inside a
    /// single-quoted string goes on). <c>API=</c> and kubectl lines are left to the caller, who binds what they make.
    /// </summary>
    public static CurlExamples Parse(string readme)
    {
        var section = readme[readme.IndexOf("\n## curl\n", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        var lines = section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)].Split('\n');
        var prelude = new List<string>();
        var commands = new List<CurlExample>();
        string? pending = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            while (line.EndsWith('\\') || line.Count(c => c == '\'') % 2 == 1)
            {
                line += "\n" + lines[++i];
            }

            var trimmed = line.Trim();
            if (trimmed.StartsWith(Expect, StringComparison.Ordinal))
            {
                Assert.True(pending is not null, $"'{trimmed}' follows no curl command");
                commands.Add(new CurlExample(pending!, trimmed[Expect.Length..].Trim()));
                pending = null;
                continue;
            }

            Assert.True(pending is null, $"curl command without a '{Expect}status' line under it: {pending}");
            if (trimmed.StartsWith("curl ", StringComparison.Ordinal))
            {
                pending = line;
            }
            else if (trimmed.Length > 0 && !trimmed.StartsWith('#') && !trimmed.StartsWith("API=", StringComparison.Ordinal) && !trimmed.Contains("kubectl", StringComparison.Ordinal))
            {
                prelude.Add(line);
            }
        }

        Assert.True(pending is null, $"curl command without a '{Expect}status' line under it: {pending}");
        return new CurlExamples(prelude, commands);
    }
}
