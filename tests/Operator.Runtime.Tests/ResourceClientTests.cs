using System.Net;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Runtime.Tests;

public sealed class ResourceClientTests
{
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_OfACoreKind_UsesTheCorePath_AndReturnsNullWhenMissing()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Status(HttpStatusCode.NotFound, "NotFound")));
        using var k8s = server.Client();

        var secret = await new ResourceClient<V1Secret>(k8s).GetAsync(new ObjectKey("ns", "db"), ct);

        Assert.Null(secret);
        Assert.Equal("/api/v1/namespaces/ns/secrets/db", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Get_OfAClusterScopedCustomKind_UsesTheGroupPath()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Json(HttpStatusCode.OK,
            """{"apiVersion":"secrets.tfy.dev/v1alpha1","kind":"TestClusterWidget","metadata":{"name":"w","resourceVersion":"3"}}""")));
        using var k8s = server.Client();

        var widget = await new ResourceClient<TestClusterWidget>(k8s).GetAsync(new ObjectKey(null, "w"), ct);

        Assert.Equal("3", widget?.Metadata.ResourceVersion);
        Assert.Equal("/apis/secrets.tfy.dev/v1alpha1/testclusterwidgets/w", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task List_FollowsContinueTokens_AndRestoresTypeMeta()
    {
        using var server = new StubApiServer((request, _) => Task.FromResult(StubApiServer.Json(HttpStatusCode.OK,
            request.RequestUri!.Query.Contains("continue=")
                ? """{"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"b","namespace":"ns"}}]}"""
                : """{"metadata":{"resourceVersion":"9","continue":"next"},"items":[{"metadata":{"name":"a","namespace":"ns"}}]}""")));
        using var k8s = server.Client();

        var items = await new ResourceClient<V1Secret>(k8s).ListAsync("ns", "managed=true", ct);

        Assert.Equal(["a", "b"], items.Select(i => i.Metadata.Name));
        Assert.All(items, i => Assert.Equal(("v1", "Secret"), (i.ApiVersion, i.Kind)));
        Assert.All(server.Requests, r => Assert.Contains("labelSelector=managed%3Dtrue", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PatchStatus_OfANamespacedCustomKind_TargetsTheStatusSubresource()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Json(HttpStatusCode.OK,
            """{"apiVersion":"secrets.tfy.dev/v1alpha1","kind":"TestWidget","metadata":{"name":"w","namespace":"ns"}}""")));
        using var k8s = server.Client();

        await new ResourceClient<TestWidget>(k8s).PatchStatusAsync(new ObjectKey("ns", "w"), new V1Patch("""{"status":{}}""", V1Patch.PatchType.MergePatch), ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal(("PATCH", "/apis/secrets.tfy.dev/v1alpha1/namespaces/ns/testwidgets/w/status", "application/merge-patch+json"),
            (request.Method, request.PathAndQuery, request.ContentType));
    }

    [Fact]
    public async Task Delete_OfAMissingObject_Succeeds()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Status(HttpStatusCode.NotFound, "NotFound")));
        using var k8s = server.Client();

        await new ResourceClient<V1Secret>(k8s).DeleteAsync(new ObjectKey("ns", "gone"), ct);

        Assert.Equal("DELETE", Assert.Single(server.Requests).Method);
    }

    [Fact]
    public async Task Create_OfANamespacedKindWithoutNamespace_IsRejectedBeforeCallingTheServer()
    {
        using var server = new StubApiServer((_, _) => throw new InvalidOperationException("must not be called"));
        using var k8s = server.Client();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            new ResourceClient<V1Secret>(k8s).CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "x" } }, ct));
    }
}

public sealed class FinalizersTests
{
    private const string Finalizer = "secrets.tfy.dev/cleanup";
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ensure_PatchesTheFinalizerIn_WithTheResourceVersionAsAGuard()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Json(HttpStatusCode.OK,
            """{"metadata":{"name":"a","namespace":"ns","resourceVersion":"6","finalizers":["other","secrets.tfy.dev/cleanup"]}}""")));
        using var k8s = server.Client();
        var secret = Build.Secret("ns", "a", "5");
        secret.Metadata.Finalizers = ["other"];

        var updated = await Finalizers.EnsureAsync(new ResourceClient<V1Secret>(k8s), secret, Finalizer, ct);

        Assert.True(Finalizers.HasFinalizer(updated, Finalizer));
        var request = Assert.Single(server.Requests);
        Assert.Equal("""{"metadata":{"finalizers":["other","secrets.tfy.dev/cleanup"],"resourceVersion":"5"}}""", request.Body);
    }

    [Fact]
    public async Task Ensure_OnConflict_RereadsAndRetries()
    {
        var patches = 0;
        using var server = new StubApiServer((request, _) => Task.FromResult(request.Method == HttpMethod.Get
            ? StubApiServer.Json(HttpStatusCode.OK, """{"metadata":{"name":"a","namespace":"ns","resourceVersion":"8","finalizers":["added-meanwhile"]}}""")
            : ++patches == 1
                ? StubApiServer.Status(HttpStatusCode.Conflict, "Conflict")
                : StubApiServer.Json(HttpStatusCode.OK, """{"metadata":{"name":"a","namespace":"ns","resourceVersion":"9","finalizers":["added-meanwhile","secrets.tfy.dev/cleanup"]}}""")));
        using var k8s = server.Client();

        var updated = await Finalizers.EnsureAsync(new ResourceClient<V1Secret>(k8s), Build.Secret("ns", "a", "5"), Finalizer, ct);

        Assert.Equal("9", updated.Metadata.ResourceVersion);
        Assert.Equal(["PATCH", "GET", "PATCH"], server.Requests.Select(r => r.Method));
        Assert.Equal("""{"metadata":{"finalizers":["added-meanwhile","secrets.tfy.dev/cleanup"],"resourceVersion":"8"}}""", server.Requests.Last().Body);
    }

    [Fact]
    public async Task Ensure_WhenPresent_DoesNothing()
    {
        using var server = new StubApiServer((_, _) => throw new InvalidOperationException("must not be called"));
        using var k8s = server.Client();
        var secret = Build.Secret("ns", "a");
        secret.Metadata.Finalizers = [Finalizer];

        Assert.Same(secret, await Finalizers.EnsureAsync(new ResourceClient<V1Secret>(k8s), secret, Finalizer, ct));
    }

    [Fact]
    public async Task Remove_PatchesTheFinalizerOut_AndReturnsNullWhenTheObjectIsGone()
    {
        using var server = new StubApiServer((_, _) => Task.FromResult(StubApiServer.Status(HttpStatusCode.NotFound, "NotFound")));
        using var k8s = server.Client();
        var secret = Build.Secret("ns", "a", "5");
        secret.Metadata.Finalizers = ["other", Finalizer];

        var result = await Finalizers.RemoveAsync(new ResourceClient<V1Secret>(k8s), secret, Finalizer, ct);

        Assert.Null(result);
        Assert.Equal("""{"metadata":{"finalizers":["other"],"resourceVersion":"5"}}""", Assert.Single(server.Requests).Body);
    }
}
