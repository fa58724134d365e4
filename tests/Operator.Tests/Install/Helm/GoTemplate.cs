using System.Globalization;
using System.Text;

namespace Operator.Tests.Install.Helm;

/// <summary>
/// Executes templates parsed by <see cref="GoTemplateParser"/> as Helm does: Go's text/template semantics (truthiness,
/// <c>with</c>/<c>range</c> rebinding the dot, <c>and</c>/<c>or</c> returning an operand, a missing map key being
/// empty) plus the Sprig and Helm functions in <see cref="TemplateFunctions"/>. Values are the CLR forms of YAML:
/// dictionaries, lists, strings, doubles (Helm's numbers), longs (template literals and <c>int</c>), booleans, null.
/// </summary>
internal sealed class GoTemplate
{
    private readonly Dictionary<string, List<TemplateNode>> defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TemplateNode>> files = new(StringComparer.Ordinal);

    public void Add(string name, string text) => files[name] = GoTemplateParser.Parse(text, defines);

    public string Execute(string name, object? data)
    {
        var output = new StringBuilder();
        Run(files[name], data, data, output);
        return output.ToString();
    }

    /// <summary>Runs a <c>define</c>d template (Helm's <c>include</c>).</summary>
    public string Include(string name, object? data)
    {
        if (!defines.TryGetValue(name, out var body))
        {
            throw new TemplateException($"no template \"{name}\" associated with template");
        }

        var output = new StringBuilder();
        Run(body, data, data, output);
        return output.ToString();
    }

    private void Run(List<TemplateNode> nodes, object? dot, object? root, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                    output.Append(TemplateFunctions.Print(Evaluate(action.Pipeline, dot, root)));
                    break;
                case IfNode branch:
                    Run(TemplateFunctions.IsTrue(Evaluate(branch.Condition, dot, root)) ? branch.Then : branch.Else ?? [], dot, root, output);
                    break;
                case WithNode with:
                    var value = Evaluate(with.Value, dot, root);
                    if (TemplateFunctions.IsTrue(value))
                    {
                        Run(with.Then, value, root, output);
                    }
                    else
                    {
                        Run(with.Else ?? [], dot, root, output);
                    }

                    break;
                case RangeNode range:
                    var items = Evaluate(range.Items, dot, root) switch
                    {
                        null => [],
                        List<object?> list => list,
                        Dictionary<string, object?> map => [.. map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)],
                        var other => throw new TemplateException($"range can't iterate over {TemplateFunctions.Print(other)}"),
                    };
                    if (items.Count == 0)
                    {
                        Run(range.Else ?? [], dot, root, output);
                    }

                    foreach (var item in items)
                    {
                        Run(range.Body, item, root, output);
                    }

                    break;
            }
        }
    }

    private object? Evaluate(Pipeline pipeline, object? dot, object? root)
    {
        object? piped = null;
        var first = true;
        foreach (var command in pipeline.Commands)
        {
            piped = Command(command, dot, root, first ? null : new[] { piped });
            first = false;
        }

        return piped;
    }

    private object? Command(IReadOnlyList<Arg> args, object? dot, object? root, object?[]? piped)
    {
        if (args[0] is FunctionArg function)
        {
            object? Arg(int i) => Value(args[i], dot, root);
            var rest = Enumerable.Range(1, args.Count - 1).Select(i => (Func<object?>)(() => Arg(i))).ToList();
            if (piped is not null)
            {
                rest.Add(() => piped[0]);
            }

            return function.Name switch
            {
                // Short-circuit: the first operand that decides, as Go 1.18+ does.
                "and" => Decide(rest, stopWhen: false),
                "or" => Decide(rest, stopWhen: true),
                "include" => Include((string)rest[0]()!, rest[1]()),
                _ => TemplateFunctions.Call(function.Name, [.. rest.Select(a => a())]),
            };
        }

        if (args.Count > 1 || piped is not null)
        {
            throw new TemplateException("can't give arguments to a non-function");
        }

        return Value(args[0], dot, root);
    }

    // and: the first empty operand, else the last; or: the first non-empty operand, else the last.
    private static object? Decide(List<Func<object?>> args, bool stopWhen)
    {
        object? value = null;
        foreach (var arg in args)
        {
            value = arg();
            if (TemplateFunctions.IsTrue(value) == stopWhen)
            {
                return value;
            }
        }

        return value;
    }

    private object? Value(Arg arg, object? dot, object? root) => arg switch
    {
        LiteralArg literal => literal.Value,
        PipelineArg inner => Evaluate(inner.Pipeline, dot, root),
        FieldArg field => Field(field.Root == FieldRoot.Root ? root : dot, field.Path),
        FunctionArg function => TemplateFunctions.Call(function.Name, []),
        _ => throw new TemplateException($"cannot evaluate {arg}"),
    };

    private static object? Field(object? value, IReadOnlyList<string> path)
    {
        foreach (var name in path)
        {
            value = value switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(name),
                null => throw new TemplateException($"nil pointer evaluating interface {{}}.{name}"),
                _ => throw new TemplateException($"can't evaluate field {name} in type {value.GetType().Name}"),
            };
        }

        return value;
    }
}
