using System.Text.Json.Nodes;
using Json.Schema;
using k8s;
using Operator.Tests.Manifests;

namespace Operator.Tests.Install.Helm;

/// <summary>
/// <c>helm template</c> for this chart, without helm: values.yaml deep-merged with the overrides (a null removes a
/// key), checked against values.schema.json by a draft-07 validator (JsonSchema.Net), then every template that is not a
/// <c>_</c> partial executed by <see cref="GoTemplate"/>, its output split into YAML documents.
/// </summary>
internal sealed class HelmChart
{
    public const string ReleaseName = "secretgroup-operator";
    public const string ReleaseNamespace = "secretgroup-system";

    private readonly string folder;

    public HelmChart(string folder = Chart.Folder) => this.folder = RepositoryRoot.File(folder);

    /// <summary>The merged values, the schema's complaints (empty when valid), and the rendered documents or the template's failure.</summary>
    public sealed record Rendering(JsonObject Values, IReadOnlyList<string> SchemaErrors, string? TemplateError, IReadOnlyList<string> Documents)
    {
        /// <summary>Refused as <c>helm install</c> refuses: by the schema or by a template's <c>fail</c>/<c>required</c>.</summary>
        public bool Refused => SchemaErrors.Count > 0 || TemplateError is not null;

        public IReadOnlyList<JsonObject> Objects() => [.. Documents.SelectMany(InstallObjects.Parse)];
    }

    public Rendering Render(JsonObject? overrides = null, string release = ReleaseName, string ns = ReleaseNamespace)
    {
        var values = YamlJson.Parse(Read("values.yaml"))!.AsObject();
        Merge(values, overrides ?? []);
        var errors = SchemaErrors(values);
        if (errors.Count > 0)
        {
            return new Rendering(values, errors, null, []);
        }

        var chart = YamlJson.Parse(Read("Chart.yaml"))!.AsObject();
        var data = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = TemplateYaml.FromJson(values),
            ["Release"] = new Dictionary<string, object?> { ["Name"] = release, ["Namespace"] = ns, ["Service"] = "Helm", ["IsInstall"] = true },
            ["Chart"] = new Dictionary<string, object?> { ["Name"] = (string?)chart["name"], ["Version"] = (string?)chart["version"], ["AppVersion"] = (string?)chart["appVersion"] },
        };
        var templates = new GoTemplate();
        var files = Directory.EnumerateFiles(Path.Combine(folder, "templates")).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            templates.Add(Path.GetFileName(file), File.ReadAllText(file).ReplaceLineEndings("\n"));
        }

        var documents = new List<string>();
        try
        {
            foreach (var name in files.Select(Path.GetFileName).Where(n => !n!.StartsWith('_') && n.EndsWith(".yaml", StringComparison.Ordinal)))
            {
                documents.AddRange(templates.Execute(name!, data).Split("\n---").Select(d => d.Trim('\n')).Where(d => d.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))));
            }
        }
        catch (TemplateException e)
        {
            return new Rendering(values, [], e.Message, []);
        }

        return new Rendering(values, [], null, documents);
    }

    /// <summary>What the draft-07 schema says about the values; one line per failed keyword, with the value's path.</summary>
    public IReadOnlyList<string> SchemaErrors(JsonObject values)
    {
        var schema = JsonSchema.FromText(Read("values.schema.json"));
        using var document = System.Text.Json.JsonDocument.Parse(values.ToJsonString());
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{Pointer(d.InstanceLocation.ToString())}: {e.Value}"))];
    }

    private static string Pointer(string pointer) => pointer.Length <= 1 ? "(root)" : pointer.TrimStart('/').Replace('/', '.');

    private string Read(string relative) => File.ReadAllText(System.IO.Path.Combine(folder, relative)).ReplaceLineEndings("\n");

    /// <summary>Helm's coalescing of user values into the chart's: maps merge, anything else replaces, null deletes.</summary>
    private static void Merge(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject map && target[key] is JsonObject existing)
            {
                Merge(existing, map);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
