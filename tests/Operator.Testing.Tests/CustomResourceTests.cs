using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class CustomResourceTests
{
    [Fact]
    public async Task CreatingCrd_ServesTheResource_AndMarksItEstablished()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var crd = await kube.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.test.example.com", cancellationToken: TestKube.Ct);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        var resources = await kube.Client.ApiextensionsV1.GetAPIResourcesAsync(TestKube.Ct);
        Assert.NotNull(resources);
        var created = await Widgets.CreateAsync(kube, Widgets.Widget("w1"));
        Assert.Equal("w1", (string?)created["metadata"]!["name"]);
        Assert.Equal(1, (int)created["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task DeletingCrd_StopsServingTheResource_AndDeletesItsObjects()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        await Widgets.CreateAsync(kube, Widgets.Widget("w1"));

        await kube.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.test.example.com", cancellationToken: TestKube.Ct);

        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => Widgets.GetAsync(kube, "w1"));
        await Widgets.InstallAsync(kube.Client);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => Widgets.GetAsync(kube, "w1"));
    }

    [Theory]
    [InlineData("""{"target":"db","syncInterval":"soon"}""", """spec.syncInterval: Invalid value: "soon": spec.syncInterval in body should match '^[0-9]+(s|m|h)$'""")]
    // kube-apiserver matches patterns with Go's RE2 (linear time): a pattern that backtracks catastrophically is a 422, not a timeout.
    [InlineData("""{"target":"db","code":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}""", """spec.code in body should match '^(a+)+$'""")]
    [InlineData("""{"target":"db","mode":"Sideways"}""", "spec.mode: Unsupported value: \"Sideways\": supported values: \"Merge\", \"Replace\"")]
    [InlineData("""{"syncInterval":"5m"}""", "spec.target: Required value")]
    [InlineData("""{"target":""}""", "spec.target in body should be at least 1 chars long")]
    [InlineData("""{"target":"db","replicas":11}""", "spec.replicas in body should be less than or equal to 10")]
    [InlineData("""{"target":"db","replicas":0}""", "spec.replicas in body should be greater than or equal to 1")]
    [InlineData("""{"target":"db","replicas":"two"}""", "spec.replicas in body must be of type integer")]
    [InlineData("""{"target":"db","tags":["a","b","c"]}""", "spec.tags: Too many: 3: must have at most 2 items")]
    [InlineData("""{"target":"db","source":{"aws":{},"vault":{}}}""", "spec.source in body must validate one and only one schema (oneOf)")]
    [InlineData("""{"target":"db","source":{}}""", "spec.source in body must validate one and only one schema (oneOf)")]
    [InlineData("""{"target":"db","labels":{"a":1}}""", "spec.labels.a in body must be of type string")]
    public async Task CustomObject_ViolatingSchema_Is422NamingTheField(string spec, string expected)
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity, () => Widgets.CreateAsync(kube, Widgets.Widget("bad", spec)));

        var message = (string?)JsonNode.Parse(error.Response.Content)!["message"];
        Assert.StartsWith("Widget.test.example.com \"bad\" is invalid: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task CustomObject_WithExactlyOneSource_IsAccepted()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var created = await Widgets.CreateAsync(kube, Widgets.Widget("ok", """{"target":"db","source":{"vault":{"path":"kv/a"}}}"""));

        Assert.Equal("kv/a", (string?)created["spec"]!["source"]!["vault"]!["path"]);
    }

    [Fact]
    public async Task CustomObject_UnknownFieldsArePruned_ExceptWherePreserved()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        var widget = Widgets.Widget("pruned", """{"target":"db","bogus":1,"extra":{"anything":{"goes":true}},"labels":{"free":"form"}}""");
        widget["topLevelJunk"] = "x";

        var created = await Widgets.CreateAsync(kube, widget);

        Assert.Null(created["spec"]!["bogus"]);
        Assert.Null(created["topLevelJunk"]);
        Assert.True((bool)created["spec"]!["extra"]!["anything"]!["goes"]!);
        Assert.Equal("form", (string?)created["spec"]!["labels"]!["free"]);
    }

    [Fact]
    public async Task CustomObject_GetsSchemaDefaults()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var created = await Widgets.CreateAsync(kube, Widgets.Widget("defaulted"));

        Assert.Equal("1m", (string?)created["spec"]!["syncInterval"]);
        Assert.Equal("Merge", (string?)created["spec"]!["mode"]);
    }

    [Fact]
    public async Task CustomObject_NullForNonNullableField_IsDroppedThenDefaulted()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);

        var created = await Widgets.CreateAsync(kube, Widgets.Widget("nulls", """{"target":"db","syncInterval":null,"replicas":null}"""));

        Assert.Equal("1m", (string?)created["spec"]!["syncInterval"]);
        Assert.False(created["spec"]!.AsObject().ContainsKey("replicas"));
        Assert.Equal("Merge", (string?)created["spec"]!["mode"]);
    }

    [Fact]
    public async Task CustomObject_StatusSubresource_AndGenerationRules()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        var objects = kube.Client.CustomObjects;
        var created = await Widgets.CreateAsync(kube, Widgets.Widget("gen"));

        created["status"] = new JsonObject { ["observedGeneration"] = 1 };
        var viaMain = Widgets.ToNode(await objects.ReplaceNamespacedCustomObjectAsync(created, Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, "gen", cancellationToken: TestKube.Ct));
        Assert.Null(viaMain["status"]);
        Assert.Equal(1, (int)viaMain["metadata"]!["generation"]!);

        var statusPatch = new V1Patch("""{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch);
        var viaStatus = Widgets.ToNode(await objects.PatchNamespacedCustomObjectStatusAsync(statusPatch, Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, "gen", cancellationToken: TestKube.Ct));
        Assert.Equal("True", (string?)viaStatus["status"]!["conditions"]![0]!["status"]);
        Assert.Equal(1, (int)viaStatus["metadata"]!["generation"]!);

        var specPatch = new V1Patch("""{"spec":{"target":"cache"}}""", V1Patch.PatchType.MergePatch);
        var bumped = Widgets.ToNode(await objects.PatchNamespacedCustomObjectAsync(specPatch, Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, "gen", cancellationToken: TestKube.Ct));
        Assert.Equal(2, (int)bumped["metadata"]!["generation"]!);
        Assert.Equal("True", (string?)bumped["status"]!["conditions"]![0]!["status"]);
    }

    [Fact]
    public async Task ClusterScopedCrd_ServesClusterWideObjects()
    {
        await using var kube = await TestKube.StartAsync();
        var crd = Widgets.Crd();
        crd.Spec.Scope = "Cluster";
        await kube.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: TestKube.Ct);

        await kube.Client.CustomObjects.CreateClusterCustomObjectAsync(Widgets.Widget("global"), Widgets.Group, Widgets.Version, Widgets.Plural, cancellationToken: TestKube.Ct);

        var read = Widgets.ToNode(await kube.Client.CustomObjects.GetClusterCustomObjectAsync(Widgets.Group, Widgets.Version, Widgets.Plural, "global", cancellationToken: TestKube.Ct));
        Assert.Null(read["metadata"]!["namespace"]);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => Widgets.CreateAsync(kube, Widgets.Widget("namespaced")));
    }

    [Fact]
    public async Task TableRequest_ReturnsPrinterColumns()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        await Widgets.CreateAsync(kube, Widgets.Widget("printed"));
        await kube.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch),
            Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, "printed", cancellationToken: TestKube.Ct);
        using var http = new HttpClient { BaseAddress = kube.Emulator.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"apis/{Widgets.Group}/{Widgets.Version}/namespaces/{kube.Namespace}/{Widgets.Plural}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));

        using var response = await http.SendAsync(request, TestKube.Ct);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestKube.Ct))!;

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal(["Name", "Target", "Ready", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString()).ToList();
        Assert.Equal(["printed", "db", "True"], cells.Take(3));
        Assert.EndsWith("s", cells[3]);
    }

    [Fact]
    public async Task CustomObjects_CanBeWatched()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        await Widgets.CreateAsync(kube, Widgets.Widget("watched"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestKube.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));

        await foreach (var (type, item) in kube.Client.CustomObjects.WatchListNamespacedCustomObjectAsync(
            Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, cancellationToken: timeout.Token))
        {
            Assert.Equal(WatchEventType.Added, type);
            Assert.Equal("watched", (string?)Widgets.ToNode(item)["metadata"]!["name"]);
            return;
        }

        Assert.Fail("the watch ended without an event");
    }

    [Fact]
    public async Task StatusWrites_ArePrunedAgainstTheSchema()
    {
        await using var kube = await TestKube.StartAsync();
        await Widgets.InstallAsync(kube.Client);
        await Widgets.CreateAsync(kube, Widgets.Widget("pruned-status"));
        var patch = new V1Patch("""{"status":{"observedGeneration":1,"notInSchema":"x"}}""", V1Patch.PatchType.MergePatch);

        var result = Widgets.ToNode(await kube.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            patch, Widgets.Group, Widgets.Version, kube.Namespace, Widgets.Plural, "pruned-status", cancellationToken: TestKube.Ct));

        Assert.Equal(1, (int)result["status"]!["observedGeneration"]!);
        Assert.Null(result["status"]!["notInSchema"]);
    }
}
