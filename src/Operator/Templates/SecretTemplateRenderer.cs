using System.Text;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using k8s.Models;
using Microsoft.Extensions.FileProviders;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Templates;

/// <summary>
/// Renders spec.target.template: each templated key's Liquid text (Fluid: a sandboxed interpreter with no code
/// execution, no file or network access, no reflection over .NET objects) over the group's values. Cost is bounded: 64 KiB
/// of template text per group, 100,000 steps, ranges of 10,000, recursion 20, 1 MiB per rendered value, 5 s per group, 10 bcrypt calls.
/// A failure is a condition naming the field, the Secret key and the line, never a value.
/// </summary>
[Rbac("", "configmaps", "get", "spec.target.template.templateFrom: template ConfigMaps in the group's namespace, read at each sync.")]
public sealed partial class SecretTemplateRenderer(ResourceClient<V1ConfigMap> configMaps)
{
    public const int MaxTemplateBytes = 64 * 1024;
    public const int MaxValueChars = 1024 * 1024;
    public const int MaxSteps = 100_000;
    public const int MaxRecursion = 20;
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = CreateOptions();

    private sealed record Source(string Key, string Field, string Text, bool FromConfigMap);

    /// <summary>The Secret's data and type: the group's values as they are without a template, else the rendered keys.</summary>
    public async Task<(IReadOnlyDictionary<string, byte[]> Data, string Type)> RenderAsync(
        SecretGroup group, IReadOnlyDictionary<string, byte[]> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(values);
        var spec = group.Spec.Target?.Template;
        if (spec is null)
        {
            return (values, "Opaque");
        }

        var sources = await SourcesAsync(group, spec, cancellationToken).ConfigureAwait(false);
        var state = new RenderState($"{group.Metadata.Uid}", Budget);
        var context = new TemplateContext(Options);
        state.AttachTo(context);
        var all = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var text = state.Text(value);
            all[key] = text.ToStringValue();
            if (Identifier().IsMatch(key))
            {
                context.SetValue(key, text);
            }
        }

        context.SetValue("values", FluidValue.Create(all, Options));
        var data = spec.MergePolicy == SecretTemplateSpec.Merge
            ? new Dictionary<string, byte[]>(values, StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            data[source.Key] = await RenderOneAsync(source, context, state, values).ConfigureAwait(false);
        }

        var type = spec.Type ?? "Opaque";
        if (SecretTypes.Problem(type, data) is { } problem)
        {
            // Fixed by the spec alone unless keys come from a ConfigMap or (mergePolicy Merge) from the store.
            var retry = sources.Any(s => s.FromConfigMap) || spec.MergePolicy == SecretTemplateSpec.Merge;
            throw new ConditionException("TemplateFailed", $"spec.target.template.{problem}; the managed Secret is unchanged", retry);
        }

        return (data, type);
    }

    private async Task<List<Source>> SourcesAsync(SecretGroup group, SecretTemplateSpec spec, CancellationToken cancellationToken)
    {
        var sources = new List<Source>();
        foreach (var (key, text) in spec.Data ?? new Dictionary<string, string>())
        {
            var field = $"spec.target.template.data[{key}]";
            if (key.Length > 253 || !SecretKey().IsMatch(key) || key.StartsWith("..", StringComparison.Ordinal))
            {
                throw new ConditionException("InvalidSpec", $"{field}: not a valid Secret key (letters, digits, '-', '_' and '.'; not '.' and not starting with '..')", retry: false);
            }

            sources.Add(new Source(key, field, text ?? "", FromConfigMap: false));
        }

        var ns = group.Metadata.NamespaceProperty;
        for (var i = 0; i < (spec.TemplateFrom?.Count ?? 0); i++)
        {
            var reference = spec.TemplateFrom![i].ConfigMap;
            var field = $"spec.target.template.templateFrom[{i}].configMap";
            // Missing and not consenting read the same, so a group author learns nothing about ConfigMaps they may not read.
            var map = await configMaps.GetAsync(new ObjectKey(ns, reference.Name), cancellationToken).ConfigureAwait(false);
            if (map is null || !AllowsGroup(map, group.Metadata.Name))
            {
                throw new ConditionException("TemplateNotFound", $"{field}: ConfigMap '{ns}/{reference.Name}' not found, or it does not allow this group: whoever may edit it annotates it {ManagedLabels.TemplateAllowedFor}: {group.Metadata.Name} (or '*'); the managed Secret is unchanged", retry: true);
            }

            foreach (var item in reference.Items.Where(item => sources.All(s => s.Key != item.Key)))
            {
                var text = map.Data?.TryGetValue(item.Key, out var found) == true ? found
                    : throw new ConditionException("TemplateNotFound", $"{field}: ConfigMap '{ns}/{reference.Name}' has no key '{item.Key}'; the managed Secret is unchanged", retry: true);
                sources.Add(new Source(item.Key, $"{field} '{reference.Name}' key {item.Key}", text, FromConfigMap: true));
            }
        }

        var size = sources.Sum(s => (long)Encoding.UTF8.GetByteCount(s.Text));
        if (size > MaxTemplateBytes)
        {
            throw new ConditionException("InvalidSpec", $"spec.target.template: {size} bytes of templates, over the limit of {MaxTemplateBytes / 1024} KiB per group", retry: sources.Any(s => s.FromConfigMap));
        }

        return sources;
    }

    private static bool AllowsGroup(V1ConfigMap map, string group) =>
        map.Metadata.Annotations?.TryGetValue(ManagedLabels.TemplateAllowedFor, out var list) == true
        && list.Split(',', StringSplitOptions.TrimEntries).Any(name => name == "*" || name == group);

    private static async Task<byte[]> RenderOneAsync(Source source, TemplateContext context, RenderState state, IReadOnlyDictionary<string, byte[]> values)
    {
        if (!Parser.TryParse(source.Text, out var template, out var error))
        {
            // Fluid's message ends with the template's source line ("Source:\n..."): the position is enough.
            var position = ParsePosition().Match(error);
            var what = error.Split('\n')[0].Trim();
            throw Failed(source, position.Success ? int.Parse(position.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null, $"does not parse: {what}", retry: source.FromConfigMap);
        }

        template = new BoundedRanges().VisitTemplate(template);
        using var writer = new BoundedWriter(state, MaxValueChars);
        try
        {
            await template.RenderAsync(writer, NullEncoder.Default, context).ConfigureAwait(false);
        }
        catch (TemplateFailure e)
        {
            throw Failed(source, LineOf(source.Text, e.Token), e.Message, retry: true);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or FileNotFoundException or ArgumentException or FormatException or OverflowException)
        {
            var message = e switch
            {
                FileNotFoundException => "include and render of other templates are not supported",
                InvalidOperationException when e.Message.StartsWith("The maximum", StringComparison.Ordinal) => $"ran too long or too deep (limits: {MaxSteps} steps, recursion {MaxRecursion})",
                FluidException when !MayEcho(e.Message, values) => e.Message,
                _ => $"failed ({e.GetType().Name})",
            };
            throw Failed(source, FilterToken().Match(e.Message) is { Success: true } m ? LineOf(source.Text, m.Groups[1].Value) : null, message, retry: true);
        }

        return state.BytesOf(writer.ToString());
    }

    /// <summary>Whether a library message could carry a value: it holds any value's text of four or more characters.</summary>
    private static bool MayEcho(string message, IReadOnlyDictionary<string, byte[]> values) =>
        values.Values.Select(v => Encoding.UTF8.GetString(v)).Any(v => v.Length >= 4 && message.Contains(v, StringComparison.Ordinal));

    private static ConditionException Failed(Source source, int? line, string message, bool retry) =>
        new("TemplateFailed", $"{source.Field}{(line is { } l ? $", line {l}" : "")}: {message}; the managed Secret is unchanged", retry);

    /// <summary>The first line of <paramref name="text"/> naming <paramref name="token"/> as a word, if any.</summary>
    private static int? LineOf(string text, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var lines = text.Split('\n');
        var word = new Regex($@"(?<![\w.]){Regex.Escape(token)}(?![\w])", RegexOptions.None, TimeSpan.FromSeconds(1));
        var isWord = token.All(c => char.IsLetterOrDigit(c) || c == '_');
        for (var i = 0; i < lines.Length; i++)
        {
            if (isWord ? word.IsMatch(lines[i]) : lines[i].Contains(token, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            MaxSteps = MaxSteps,
            MaxRecursion = MaxRecursion,
            StrictFilters = true,
            FileProvider = new NullFileProvider(),
            CultureInfo = System.Globalization.CultureInfo.InvariantCulture,
            TimeZone = TimeZoneInfo.Utc,
        };
        options.Undefined = name => throw new TemplateFailure($"'{name}' is not a key of the group (keys that are not identifiers: values['the.key'])", name);
        options.Assigned = (name, value, ctx) => Bounded(name, value, ctx);
        options.Captured = (name, value, ctx) => Bounded(name, value, ctx);
        TemplateFilters.AddTo(options.Filters);

        // Every filter, Liquid's own too, checks the deadline and the size of what it made.
        foreach (var (name, filter) in options.Filters.ToList())
        {
            options.Filters.AddFilter(name, async (input, arguments, ctx) =>
            {
                RenderState.Of(ctx).CheckDeadline();
                var result = await filter(input, arguments, ctx).ConfigureAwait(false);
                return result is StringValue s && s.ToStringValue().Length > MaxValueChars
                    ? throw new TemplateFailure($"{name}: made a value over {MaxValueChars / 1024} KiB", name)
                    : result;
            });
        }

        return options;
    }

    private static ValueTask<FluidValue> Bounded(string name, FluidValue value, TemplateContext ctx)
    {
        RenderState.Of(ctx).CheckDeadline();
        return value is StringValue s && s.ToStringValue().Length > MaxValueChars
            ? throw new TemplateFailure($"'{name}' was assigned a value over {MaxValueChars / 1024} KiB", name)
            : ValueTask.FromResult(value);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"at \((\d+):\d+\)")]
    private static partial Regex ParsePosition();

    [GeneratedRegex(@"(?:filter|variable) '([^']{1,100})'")]
    private static partial Regex FilterToken();
}
