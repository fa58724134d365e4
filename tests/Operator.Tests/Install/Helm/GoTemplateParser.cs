using System.Globalization;
using System.Text;

namespace Operator.Tests.Install.Helm;

/// <summary>
/// Parses the subset of Go's text/template the chart uses: text, comments, <c>{{-</c>/<c>-}}</c> trimming, pipelines
/// with parenthesised sub-pipelines, fields on <c>.</c> and <c>$</c>, string, number and boolean literals, and the
/// actions define, if/else if/else, with/else, range/else, end. Anything else is a parse error, never a guess.
/// Semantics follow https://pkg.go.dev/text/template.
/// </summary>
internal static class GoTemplateParser
{
    public static List<TemplateNode> Parse(string text, Dictionary<string, List<TemplateNode>> defines)
    {
        var tokens = Lex(text);
        var position = 0;
        var body = ParseList(tokens, ref position, defines, out var end);
        if (end is not null)
        {
            throw new TemplateException($"unexpected {{{{{end}}}}}");
        }

        return body;
    }

    private abstract record Token;

    private sealed record TextToken(string Text) : Token;

    private sealed record ActionToken(string Body) : Token;

    /// <summary>Splits text and actions, applying the trim markers (<c>{{- </c> trims whitespace before, <c> -}}</c> after).</summary>
    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        var trimNext = false;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            var chunk = open < 0 ? text[i..] : text[i..open];
            if (trimNext)
            {
                chunk = chunk.TrimStart(' ', '\t', '\r', '\n');
            }

            if (open < 0)
            {
                tokens.Add(new TextToken(chunk));
                break;
            }

            var trimBefore = open + 3 < text.Length && text[open + 2] == '-' && char.IsWhiteSpace(text[open + 3]);
            if (trimBefore)
            {
                chunk = chunk.TrimEnd(' ', '\t', '\r', '\n');
            }

            tokens.Add(new TextToken(chunk));
            var start = open + (trimBefore ? 3 : 2);
            var close = FindClose(text, start);
            var trimAfter = close > start && text[close - 1] == '-' && char.IsWhiteSpace(text[close - 2]);
            var body = text[start..(trimAfter ? close - 1 : close)].Trim();
            if (!(body.StartsWith("/*", StringComparison.Ordinal) && body.EndsWith("*/", StringComparison.Ordinal)))
            {
                tokens.Add(new ActionToken(body));
            }

            trimNext = trimAfter;
            i = close + 2;
        }

        return tokens;
    }

    // The closing braces of an action, skipping string literals.
    private static int FindClose(string text, int from)
    {
        for (var i = from; i < text.Length - 1; i++)
        {
            if (text[i] is '"' or '`')
            {
                var quote = text[i];
                for (i++; i < text.Length && text[i] != quote; i++)
                {
                    if (quote == '"' && text[i] == '\\')
                    {
                        i++;
                    }
                }
            }
            else if (text[i] == '}' && text[i + 1] == '}')
            {
                return i;
            }
        }

        throw new TemplateException("unclosed action");
    }

    private static List<TemplateNode> ParseList(List<Token> tokens, ref int position, Dictionary<string, List<TemplateNode>> defines, out string? end)
    {
        var nodes = new List<TemplateNode>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            if (token is TextToken t)
            {
                if (t.Text.Length > 0)
                {
                    nodes.Add(new TextNode(t.Text));
                }

                continue;
            }

            var body = ((ActionToken)token).Body;
            var (keyword, rest) = SplitKeyword(body);
            switch (keyword)
            {
                case "end":
                case "else":
                case var elseIf when elseIf.StartsWith("else if ", StringComparison.Ordinal):
                    end = body;
                    return nodes;
                case "define":
                    var name = (string)((LiteralArg)new ArgReader(rest).ReadArg()).Value!;
                    defines[name] = ParseList(tokens, ref position, defines, out var defineEnd);
                    Expect(defineEnd, "end");
                    break;
                case "if":
                case "with":
                case "range":
                    nodes.Add(ParseBranch(keyword, rest, tokens, ref position, defines));
                    break;
                default:
                    nodes.Add(new ActionNode(new ArgReader(body).ReadPipeline()));
                    break;
            }
        }

        end = null;
        return nodes;
    }

    private static TemplateNode ParseBranch(string keyword, string condition, List<Token> tokens, ref int position, Dictionary<string, List<TemplateNode>> defines)
    {
        var pipeline = new ArgReader(condition).ReadPipeline();
        var then = ParseList(tokens, ref position, defines, out var end);
        List<TemplateNode>? otherwise = null;
        if (end == "else")
        {
            otherwise = ParseList(tokens, ref position, defines, out end);
            Expect(end, "end");
        }
        else if (end is not null && end.StartsWith("else if ", StringComparison.Ordinal) && keyword == "if")
        {
            otherwise = [ParseBranch("if", end["else if ".Length..], tokens, ref position, defines)];
        }
        else
        {
            Expect(end, "end");
        }

        return keyword switch
        {
            "if" => new IfNode(pipeline, then, otherwise),
            "with" => new WithNode(pipeline, then, otherwise),
            _ => new RangeNode(pipeline, then, otherwise),
        };
    }

    private static void Expect(string? end, string expected)
    {
        if (end != expected)
        {
            throw new TemplateException($"expected {{{{{expected}}}}}, found {(end is null ? "the end of the template" : $"{{{{{end}}}}}")}");
        }
    }

    private static (string Keyword, string Tail) SplitKeyword(string body)
    {
        var space = body.IndexOf(' ', StringComparison.Ordinal);
        var first = space < 0 ? body : body[..space];
        return first is "if" or "with" or "range" or "define" or "end" or "else"
            ? (first == "else" && body.StartsWith("else if ", StringComparison.Ordinal) ? body : first, space < 0 ? "" : body[(space + 1)..])
            : ("", body);
    }

    /// <summary>Reads pipelines and arguments from one action's text.</summary>
    private sealed class ArgReader(string text)
    {
        private int i;

        public Pipeline ReadPipeline()
        {
            var pipeline = ReadPipelineUntil(')');
            Skip();
            return i < text.Length ? throw new TemplateException($"unexpected '{text[i..]}' in {{{{{text}}}}}") : pipeline;
        }

        public Arg ReadArg()
        {
            Skip();
            var c = text[i];
            if (c == '(')
            {
                i++;
                var inner = ReadPipelineUntil(')');
                Skip();
                if (i >= text.Length || text[i] != ')')
                {
                    throw new TemplateException($"unclosed '(' in {{{{{text}}}}}");
                }

                i++;
                return new PipelineArg(inner);
            }

            if (c is '"' or '`')
            {
                return new LiteralArg(ReadString());
            }

            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '|'))
            {
                i++;
            }

            var word = text[start..i];
            if (word.StartsWith('.') || word.StartsWith('$'))
            {
                var root = word.StartsWith('$') ? FieldRoot.Root : FieldRoot.Dot;
                var path = word.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
                return new FieldArg(root, path);
            }

            return word switch
            {
                "true" => new LiteralArg(true),
                "false" => new LiteralArg(false),
                "nil" => new LiteralArg(null),
                _ when long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => new LiteralArg(n),
                _ when double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => new LiteralArg(d),
                _ when word.Length > 0 && word.All(ch => char.IsLetterOrDigit(ch) || ch == '_') => new FunctionArg(word),
                _ => throw new TemplateException($"cannot parse '{word}' in {{{{{text}}}}}"),
            };
        }

        private Pipeline ReadPipelineUntil(char stop)
        {
            var commands = new List<IReadOnlyList<Arg>>();
            var args = new List<Arg>();
            while (true)
            {
                Skip();
                if (i >= text.Length || text[i] == stop)
                {
                    break;
                }

                if (text[i] == '|')
                {
                    i++;
                    commands.Add(args);
                    args = [];
                    continue;
                }

                args.Add(ReadArg());
            }

            commands.Add(args);
            return commands.Any(c => c.Count == 0) ? throw new TemplateException($"empty command in {{{{{text}}}}}") : new Pipeline(commands);
        }

        private string ReadString()
        {
            var quote = text[i++];
            var builder = new StringBuilder();
            while (text[i] != quote)
            {
                if (quote == '"' && text[i] == '\\')
                {
                    i++;
                    builder.Append(text[i] switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', var other => throw new TemplateException($"unsupported escape \\{other}") });
                }
                else
                {
                    builder.Append(text[i]);
                }

                i++;
            }

            i++;
            return builder.ToString();
        }

        private void Skip()
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
        }
    }
}

internal sealed class TemplateException(string message) : Exception(message);

internal abstract record TemplateNode;

internal sealed record TextNode(string Text) : TemplateNode;

internal sealed record ActionNode(Pipeline Pipeline) : TemplateNode;

internal sealed record IfNode(Pipeline Condition, List<TemplateNode> Then, List<TemplateNode>? Else) : TemplateNode;

internal sealed record WithNode(Pipeline Value, List<TemplateNode> Then, List<TemplateNode>? Else) : TemplateNode;

internal sealed record RangeNode(Pipeline Items, List<TemplateNode> Body, List<TemplateNode>? Else) : TemplateNode;

/// <summary>Commands joined by <c>|</c>: each command's result is the last argument of the next.</summary>
internal sealed record Pipeline(IReadOnlyList<IReadOnlyList<Arg>> Commands);

internal abstract record Arg;

internal enum FieldRoot
{
    Dot,
    Root,
}

internal sealed record FieldArg(FieldRoot Root, IReadOnlyList<string> Path) : Arg;

internal sealed record LiteralArg(object? Value) : Arg;

internal sealed record FunctionArg(string Name) : Arg;

internal sealed record PipelineArg(Pipeline Pipeline) : Arg;
