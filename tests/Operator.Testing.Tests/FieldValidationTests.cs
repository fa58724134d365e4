using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Operator.Testing.Tests;

/// <summary>Unknown and duplicate fields under fieldValidation=Strict|Warn|Ignore, over HTTP and with kubectl.</summary>
public sealed class FieldValidationTests
{
    private const string UnknownSpecField = """{"apiVersion":"test.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"target":"db","colour":"red"}}""";

    [Fact]
    public async Task Strict_RefusesAnUnknownCustomField_AsAStrictDecodingError()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var (code, body, _) = await PostAsync(kube, WidgetsPath(kube), UnknownSpecField, "Strict");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\"", (string?)body["message"]);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => Widgets.GetAsync(kube, "w"));
    }

    [Fact]
    public async Task Strict_RefusesUnknownAndDuplicateBuiltInFields_UnknownFirst()
    {
        await using var kube = await TestKube.StartAsync();
        const string map = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m","nickname":"x"},"data":{"a":"1"},"data":{"a":"2"}}""";

        var (code, body, _) = await PostAsync(kube, $"/api/v1/namespaces/{kube.Namespace}/configmaps", map, "Strict");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.nickname\", duplicate field \"data\"", (string?)body["message"]);
    }

    [Fact]
    public async Task Warn_IsTheDefault_DropsUnknownFields_KeepsTheLastDuplicate_AndAnswersWithWarnings()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        const string widget = """{"apiVersion":"test.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"target":"db","colour":"red","target":"cache"}}""";

        var (code, body, warnings) = await PostAsync(kube, WidgetsPath(kube), widget, directive: null);

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal(["299 - \"unknown field \\\"spec.colour\\\"\"", "299 - \"duplicate field \\\"spec.target\\\"\""], warnings);
        Assert.Equal("cache", (string?)body["spec"]!["target"]);
        Assert.Null(body["spec"]!["colour"]);
    }

    [Fact]
    public async Task Ignore_DropsUnknownFields_Silently()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var (code, body, warnings) = await PostAsync(kube, WidgetsPath(kube), UnknownSpecField, "Ignore");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Empty(warnings);
        Assert.Null(body["spec"]!["colour"]);
    }

    [Fact]
    public async Task UnknownDirective_IsRefusedAsInvalidCreateOptions()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var (code, body, _) = await PostAsync(kube, WidgetsPath(kube), UnknownSpecField, "Loose");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", (string?)body["message"]);
    }

    [Fact]
    public async Task StrategicMergePatch_OfACustomObject_Is415()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        await Widgets.CreateAsync(kube, Widgets.Widget("w"));
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        using var content = new StringContent("""{"spec":{"target":"x"}}""", Encoding.UTF8);
        content.Headers.ContentType = new("application/strategic-merge-patch+json");
        using var response = await http.PatchAsync(WidgetsPath(kube) + "/w", content, TestKube.Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("db", (string?)(await Widgets.GetAsync(kube, "w"))["spec"]!["target"]);
    }

    [Fact]
    public async Task Kubectl_RefusesAnUnknownField_AndWarnsUnderValidateWarn()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        await kubectl.WriteAsync("w.yaml", $$"""
            apiVersion: test.example.com/v1
            kind: Widget
            metadata: {name: w, namespace: {{kube.Namespace}}}
            spec: {target: db, colour: red}
            """);

        var refused = await kubectl.TryAsync("apply", "-f", "w.yaml");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\"", refused.Stderr);

        var warned = await kubectl.TryAsync("apply", "--validate=warn", "-f", "w.yaml");
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("Warning: unknown field \"spec.colour\"", warned.Stderr);
        Assert.Equal("db", await kubectl.RunAsync("get", "widget", "w", "-n", kube.Namespace, "-o", "jsonpath={.spec.target}{.spec.colour}"));
    }

    private static string WidgetsPath(TestKube kube) => $"/apis/test.example.com/v1/namespaces/{kube.Namespace}/widgets";

    private static async Task<(HttpStatusCode Code, JsonNode Body, string[] Warnings)> PostAsync(TestKube kube, string path, string json, string? directive)
    {
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(directive is null ? path : $"{path}?fieldValidation={directive}", content, TestKube.Ct);
        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToArray() : [];
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestKube.Ct))!, warnings);
    }
}
