using System.Text;
using System.Text.RegularExpressions;

namespace Operator.Playground.Tests;

/// <summary>One shell command printed in the docs, and the output printed under it (in <c>console</c> blocks).</summary>
public sealed record DocCommand(string File, int Line, string Text, string? ShownOutput)
{
    /// <summary>The program it runs: kubectl, helm, make, curl, source ...</summary>
    public string Program => Text.Split(' ', 2)[0];

    public override string ToString() => $"{File}:{Line}: {Text}";
}

/// <summary>Commands printed together (one fenced block, or one command in prose or a comment): one shell runs them in order.</summary>
public sealed record DocBlock(string File, int Line, IReadOnlyList<DocCommand> Commands)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// Finds the commands a reader is told to type, verbatim: in Markdown, every line of <c>sh</c>/<c>shell</c>/<c>bash</c>
/// blocks, the <c>$ </c> lines of <c>console</c> blocks (with the output printed under them), and inline code that
/// starts with <c>kubectl</c> or <c>helm</c>; in other files (deploy/**), <c>kubectl ...</c> in comments.
/// </summary>
public static partial class DocCommands
{
    /// <summary>Which files are docs: README.md, the READMEs under src/ and charts/, and everything under deploy/.</summary>
    public static IReadOnlyList<string> Files(string repoRoot)
    {
        IEnumerable<string> Under(string dir, string pattern) =>
            Directory.Exists(Path.Combine(repoRoot, dir))
                ? Directory.EnumerateFiles(Path.Combine(repoRoot, dir), pattern, SearchOption.AllDirectories)
                    .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                : [];
        return [.. new[] { Path.Combine(repoRoot, "README.md") }
            .Concat(Under("src", "README.md"))
            .Concat(Under("charts", "README.md"))
            .Concat(Under("deploy", "*"))
            .Select(f => Path.GetRelativePath(repoRoot, f))
            .Order(StringComparer.Ordinal)];
    }

    public static IReadOnlyList<DocBlock> In(string repoRoot) =>
        [.. Files(repoRoot).SelectMany(f => Parse(f, File.ReadAllText(Path.Combine(repoRoot, f))))];

    public static IReadOnlyList<DocBlock> Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.EndsWith(".md", StringComparison.Ordinal) ? FromMarkdown(file, text) : FromComments(file, text);
    }

    private static List<DocBlock> FromMarkdown(string file, string text)
    {
        var blocks = new List<DocBlock>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                foreach (Match span in InlineCode().Matches(lines[i]))
                {
                    var code = span.Groups[1].Value.Trim();
                    if (code.StartsWith("kubectl ", StringComparison.Ordinal) || code.StartsWith("helm ", StringComparison.Ordinal))
                    {
                        blocks.Add(new DocBlock(file, i + 1, [new DocCommand(file, i + 1, code, null)]));
                    }
                }

                continue;
            }

            var start = i;
            var body = new List<(int Line, string Text)>();
            var indent = fence.Groups[1].Value.Length;
            for (i++; i < lines.Length && !Fence().IsMatch(lines[i]); i++)
            {
                body.Add((i + 1, lines[i].Length >= indent && string.IsNullOrWhiteSpace(lines[i][..indent]) ? lines[i][indent..].TrimEnd('\r') : lines[i].Trim()));
            }

            var commands = fence.Groups[2].Value switch
            {
                "sh" or "shell" or "bash" => Script(file, body),
                "console" => ConsoleBlock(file, body),
                _ => [],
            };
            if (commands.Count > 0)
            {
                blocks.Add(new DocBlock(file, start + 1, commands));
            }
        }

        return blocks;
    }

    /// <summary>Every line is a command (joined over a trailing backslash); comments and blank lines are not.</summary>
    private static List<DocCommand> Script(string file, List<(int Line, string Text)> body)
    {
        var commands = new List<DocCommand>();
        for (var j = 0; j < body.Count; j++)
        {
            var (line, first) = body[j];
            if (first.Trim().Length == 0 || first.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var command = new StringBuilder(first.TrimEnd());
            while (j + 1 < body.Count && command.Length > 0)
            {
                if (OpenQuote(command.ToString()))
                {
                    // A quoted argument over several lines (a JSON body): the shell keeps its line breaks.
                    command.Append('\n').Append(body[++j].Text.TrimEnd());
                }
                else if (command[^1] == '\\')
                {
                    command.Length--;
                    command.Append(' ').Append(body[++j].Text.Trim());
                }
                else
                {
                    break;
                }
            }

            var text = WithoutComment(command.ToString()).Trim();
            commands.Add(new DocCommand(file, line, text, CanIAnswer(text, command.ToString())));
        }

        return commands;
    }

    /// <summary>
    /// <c>kubectl auth can-i</c> answers "no" with exit code 1 by design; a trailing <c># yes...</c>/<c># no...</c>
    /// comment is the answer the docs show, checked like shown output.
    /// </summary>
    private static string? CanIAnswer(string text, string full)
    {
        if (!text.StartsWith("kubectl auth can-i ", StringComparison.Ordinal))
        {
            return null;
        }

        var comment = full[text.Length..].Trim().TrimStart('#').Trim();
        return comment.StartsWith("yes", StringComparison.Ordinal) ? "yes" : comment.StartsWith("no", StringComparison.Ordinal) ? "no" : null;
    }

    /// <summary><c>$ command</c> lines (joined over a trailing backslash); the lines up to the next one are its shown output.</summary>
    private static List<DocCommand> ConsoleBlock(string file, List<(int Line, string Text)> body)
    {
        var commands = new List<DocCommand>();
        for (var j = 0; j < body.Count; j++)
        {
            if (!body[j].Text.StartsWith("$ ", StringComparison.Ordinal))
            {
                continue;
            }

            var line = body[j].Line;
            var command = new StringBuilder(body[j].Text[2..].TrimEnd());
            while (command.Length > 0 && command[^1] == '\\' && j + 1 < body.Count)
            {
                command.Length--;
                command.Append(' ').Append(body[++j].Text.Trim());
            }

            var output = new List<string>();
            while (j + 1 < body.Count && !body[j + 1].Text.StartsWith("$ ", StringComparison.Ordinal))
            {
                output.Add(body[++j].Text);
            }

            var shown = string.Join('\n', output).TrimEnd();
            commands.Add(new DocCommand(file, line, WithoutComment(command.ToString()).Trim(), shown.Length == 0 ? null : shown));
        }

        return commands;
    }

    /// <summary>A <c>kubectl ...</c> in a comment line, to the end of the line (less a closing bracket or full stop of the sentence).</summary>
    private static List<DocBlock> FromComments(string file, string text)
    {
        var blocks = new List<DocBlock>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var comment = line.TrimStart();
            var at = line.IndexOf("kubectl ", StringComparison.Ordinal);
            if (at < 0 || !(comment.StartsWith('#') || comment.StartsWith("--", StringComparison.Ordinal) || comment.StartsWith("//", StringComparison.Ordinal)))
            {
                continue;
            }

            var command = line[at..];
            command = (command.IndexOf('`', StringComparison.Ordinal) is var tick and >= 0 ? command[..tick] : command).TrimEnd().TrimEnd('.', ',', ';');
            if (command.EndsWith(')') && command.Count(c => c == ')') > command.Count(c => c == '('))
            {
                command = command[..^1];
            }

            blocks.Add(new DocBlock(file, i + 1, [new DocCommand(file, i + 1, command.Trim(), null)]));
        }

        return blocks;
    }

    /// <summary>True when a quote opened in <paramref name="command"/> (outside a comment) is not closed yet.</summary>
    private static bool OpenQuote(string command)
    {
        char? quote = null;
        for (var k = 0; k < command.Length; k++)
        {
            var c = command[k];
            if (c == '\\' && quote != '\'')
            {
                k++;
            }
            else if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && (k == 0 || char.IsWhiteSpace(command[k - 1])))
            {
                return false;
            }
        }

        return quote is not null;
    }

    /// <summary>Drops a trailing <c># comment</c>: a <c>#</c> after a space, outside quotes.</summary>
    public static string WithoutComment(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        char? quote = null;
        for (var k = 0; k < command.Length; k++)
        {
            var c = command[k];
            if (quote is not null)
            {
                quote = c == quote ? null : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '#' && k > 0 && char.IsWhiteSpace(command[k - 1]))
            {
                return command[..k].TrimEnd();
            }
        }

        return command.TrimEnd();
    }

    [GeneratedRegex(@"^(\s*)```\s*([A-Za-z]*)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex InlineCode();
}
