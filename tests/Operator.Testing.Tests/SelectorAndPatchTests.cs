using System.Net;
using System.Text;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class SelectorAndPatchTests
{
    [Theory]
    [InlineData("app=web", new[] { "a", "b" })]
    [InlineData("app==web,tier=front", new[] { "a" })]
    [InlineData("tier!=front", new[] { "b", "c" })]
    [InlineData("tier in (front, back)", new[] { "a", "b" })]
    [InlineData("tier notin (front)", new[] { "b", "c" })]
    [InlineData("tier", new[] { "a", "b" })]
    [InlineData("!tier", new[] { "c" })]
    [InlineData("app=web,tier notin (back)", new[] { "a" })]
    public async Task List_FiltersByLabelSelector(string selector, string[] expected)
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" });
        await kube.CreateSecretAsync("b", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" });
        await kube.CreateSecretAsync("c", new Dictionary<string, string> { ["app"] = "db" });

        var list = await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, labelSelector: selector, cancellationToken: TestKube.Ct);

        Assert.Equal(expected, list.Items.Select(s => s.Metadata.Name).Order());
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task ListAcrossNamespaces_FiltersByFieldSelector()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("wanted");
        await kube.CreateSecretAsync("other");
        await kube.Client.CoreV1.CreateNamespacedSecretAsync(TestKube.Secret("wanted"), "default", cancellationToken: TestKube.Ct);

        var all = await kube.Client.CoreV1.ListSecretForAllNamespacesAsync(fieldSelector: "metadata.name=wanted", cancellationToken: TestKube.Ct);
        Assert.Equal(2, all.Items.Count);
        var one = await kube.Client.CoreV1.ListSecretForAllNamespacesAsync(fieldSelector: $"metadata.name=wanted,metadata.namespace={kube.Namespace}", cancellationToken: TestKube.Ct);
        Assert.Equal(kube.Namespace, Assert.Single(one.Items).Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task MergePatch_MergesMapsAndRemovesNullKeys()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("patched", new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" });
        var patch = new V1Patch("""{"metadata":{"labels":{"drop":null,"added":"3"}}}""", V1Patch.PatchType.MergePatch);

        var result = await kube.Client.CoreV1.PatchNamespacedSecretAsync(patch, "patched", kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["added"] = "3" }, result.Metadata.Labels);
    }

    [Fact]
    public async Task MergePatch_WithStaleResourceVersion_Is409Conflict()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = await kube.CreateSecretAsync("patched");
        await kube.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"labels":{"a":"1"}}}""", V1Patch.PatchType.MergePatch), "patched", kube.Namespace, cancellationToken: TestKube.Ct);
        var stale = new V1Patch("{\"metadata\":{\"resourceVersion\":\"" + secret.Metadata.ResourceVersion + "\",\"labels\":{\"a\":\"2\"}}}", V1Patch.PatchType.MergePatch);

        await TestKube.ExpectStatusAsync(HttpStatusCode.Conflict,
            () => kube.Client.CoreV1.PatchNamespacedSecretAsync(stale, "patched", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task JsonPatch_SupportsAddRemoveReplaceMoveCopyAndTest()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "ops" },
            Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" },
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        var patch = new V1Patch("""
            [
              {"op":"test","path":"/data/a","value":"1"},
              {"op":"add","path":"/data/d","value":"4"},
              {"op":"remove","path":"/data/b"},
              {"op":"replace","path":"/data/c","value":"30"},
              {"op":"move","from":"/data/d","path":"/data/e"},
              {"op":"copy","from":"/data/a","path":"/data/f"}
            ]
            """, V1Patch.PatchType.JsonPatch);

        var result = await kube.Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "ops", kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["c"] = "30", ["e"] = "4", ["f"] = "1" }, result.Data);
    }

    [Fact]
    public async Task JsonPatch_FailingTest_IsRejected_AndChangesNothing()
    {
        await using var kube = await TestKube.StartAsync();
        var before = await kube.CreateSecretAsync("tested");
        var patch = new V1Patch("""[{"op":"test","path":"/type","value":"kubernetes.io/tls"},{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]""", V1Patch.PatchType.JsonPatch);

        await TestKube.ExpectStatusAsync(HttpStatusCode.UnprocessableEntity,
            () => kube.Client.CoreV1.PatchNamespacedSecretAsync(patch, "tested", kube.Namespace, cancellationToken: TestKube.Ct));
        var after = await kube.Client.CoreV1.ReadNamespacedSecretAsync("tested", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task StrategicMergePatch_IsAppliedAsMergePatch()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("smp");
        var patch = new V1Patch("""{"stringData":{"extra":"value"}}""", V1Patch.PatchType.StrategicMergePatch);

        var result = await kube.Client.CoreV1.PatchNamespacedSecretAsync(patch, "smp", kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Equal("value", Encoding.UTF8.GetString(result.Data["extra"]));
        Assert.Equal("value", Encoding.UTF8.GetString(result.Data["key"]));
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenMerges()
    {
        await using var kube = await TestKube.StartAsync();
        var apply = new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"a":"1"}}""", V1Patch.PatchType.ApplyPatch);
        await kube.Client.CoreV1.PatchNamespacedConfigMapAsync(apply, "applied", kube.Namespace, fieldManager: "test", force: true, cancellationToken: TestKube.Ct);
        var again = new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied"},"data":{"b":"2"}}""", V1Patch.PatchType.ApplyPatch);

        var result = await kube.Client.CoreV1.PatchNamespacedConfigMapAsync(again, "applied", kube.Namespace, fieldManager: "test", force: true, cancellationToken: TestKube.Ct);

        // Treated as a merge patch: fields the manager stopped applying are kept, not removed as real SSA would.
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, result.Data);
    }

    [Fact]
    public async Task Patch_OfMissingObject_Is404()
    {
        await using var kube = await TestKube.StartAsync();
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => kube.Client.CoreV1.PatchNamespacedSecretAsync(
            new V1Patch("{}", V1Patch.PatchType.MergePatch), "missing", kube.Namespace, cancellationToken: TestKube.Ct));
    }
}
