using System.Net;
using System.Text.Json.Nodes;

namespace Operator.Testing.Tests;

/// <summary>/openapi/v2 and /openapi/v3 as kube-apiserver publishes them, read by plain HTTP and by the real kubectl.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiV3_ListsEachGroupVersion_AtAHashedUrlThatIsImmutable()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        var root = JsonNode.Parse(await http.GetStringAsync("/openapi/v3", TestKube.Ct))!["paths"]!.AsObject();
        Assert.Contains("api/v1", root.Select(p => p.Key));
        Assert.Contains("apis/apps/v1", root.Select(p => p.Key));
        var widgets = (string)root["apis/test.example.com/v1"]!["serverRelativeURL"]!;
        Assert.Matches("^/openapi/v3/apis/test.example.com/v1\\?hash=[0-9A-F]{128}$", widgets);

        using var current = await http.GetAsync(widgets, TestKube.Ct);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal("public, immutable", current.Headers.CacheControl?.ToString());

        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = kube.Emulator.BaseAddress };
        using var stale = await noRedirect.GetAsync("/openapi/v3/apis/test.example.com/v1?hash=0123", TestKube.Ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, stale.StatusCode);
        Assert.Equal(widgets, stale.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OpenApiV3_PublishesCrdSchema_TaggedWithItsKind_AndFieldValidationOnPatch()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v3/apis/test.example.com/v1", TestKube.Ct))!;

        var widget = document["components"]!["schemas"]!["com.example.test.v1.Widget"]!;
        Assert.Equal("Widget", (string?)widget["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.Equal("string", (string?)widget["properties"]!["spec"]!["properties"]!["target"]!["type"]);
        var patch = document["paths"]!["/apis/test.example.com/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
        // Custom resources take no strategic merge patch, so kubectl sends them merge patches.
        Assert.DoesNotContain("application/strategic-merge-patch+json", patch["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task OpenApiV3_PublishesBuiltInKinds_FromTheClientModels()
    {
        await using var kube = await TestKube.StartAsync();
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v3/api/v1", TestKube.Ct))!;

        var secret = document["components"]!["schemas"]!["io.k8s.api.core.v1.Secret"]!;
        Assert.Equal("byte", (string?)secret["properties"]!["data"]!["additionalProperties"]!["format"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)secret["properties"]!["metadata"]!["$ref"]);
        var patch = document["paths"]!["/api/v1/namespaces/{namespace}/secrets/{name}"]!["patch"]!;
        Assert.Contains("application/strategic-merge-patch+json", patch["requestBody"]!["content"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task OpenApiV2_IsServedAsJson_AndAsTheProtobufClientGoAsksFor()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };

        var json = JsonNode.Parse(await http.GetStringAsync("/openapi/v2", TestKube.Ct))!;
        Assert.Equal("2.0", (string?)json["swagger"]);
        Assert.Equal("#/definitions/com.example.test.v1.Widget", (string?)json["definitions"]!["com.example.test.v1.WidgetList"]!["properties"]!["items"]!["items"]!["$ref"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        request.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        using var proto = await http.SendAsync(request, TestKube.Ct);
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", proto.Content.Headers.ContentType?.MediaType);

        // kubectl's v2 explain decodes that protobuf with gnostic: the CRD's fields and descriptions come through.
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);
        var explained = await kubectl.RunAsync("explain", "widgets.spec", "--output", "plaintext-openapiv2");
        Assert.Matches(@"target\s+<string> -required-", explained);
        Assert.Matches(@"mode\s+<string>", explained);
    }

    [Fact]
    public async Task KubectlExplain_ShowsCrdAndBuiltInFields_Recursively()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        using var kubectl = await Kubectl.ForAsync(kube.Emulator);

        var widget = await kubectl.RunAsync("explain", "widget.spec", "--recursive");
        Assert.Contains("KIND:       Widget", widget);
        Assert.Matches(@"source\s+<Object>\s+aws\s+<Object>\s+path\s+<string>", widget);
        var container = await kubectl.RunAsync("explain", "deployment.spec.template.spec.containers.ports");
        Assert.Matches(@"containerPort\s+<integer>", container);
    }
}
