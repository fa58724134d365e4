using System.Net;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class DeletionTests
{
    [Fact]
    public async Task Delete_WithFinalizer_SetsDeletionTimestampAndKeepsObject_UntilLastFinalizerIsRemoved()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("guarded", finalizers: ["example.com/a", "example.com/b"]), kube.Namespace, cancellationToken: TestKube.Ct);

        await core.DeleteNamespacedConfigMapAsync("guarded", kube.Namespace, cancellationToken: TestKube.Ct);
        var terminating = await core.ReadNamespacedConfigMapAsync("guarded", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(0, terminating.Metadata.DeletionGracePeriodSeconds);

        terminating.Metadata.Finalizers = ["example.com/b"];
        terminating = await core.ReplaceNamespacedConfigMapAsync(terminating, "guarded", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.NotNull(await core.ReadNamespacedConfigMapAsync("guarded", kube.Namespace, cancellationToken: TestKube.Ct));

        terminating.Metadata.Finalizers = [];
        await core.ReplaceNamespacedConfigMapAsync(terminating, "guarded", kube.Namespace, cancellationToken: TestKube.Ct);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound,
            () => core.ReadNamespacedConfigMapAsync("guarded", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Delete_CascadesToOwnedObjects_Recursively()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        var owner = await kube.CreateSecretAsync("owner");
        var child = await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("child", Objects.OwnerOf(owner)), kube.Namespace, cancellationToken: TestKube.Ct);
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("grandchild", Objects.OwnerOf(child)), kube.Namespace, cancellationToken: TestKube.Ct);
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("unrelated"), kube.Namespace, cancellationToken: TestKube.Ct);

        await core.DeleteNamespacedSecretAsync("owner", kube.Namespace, cancellationToken: TestKube.Ct);

        var left = (await core.ListNamespacedConfigMapAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Items.Select(c => c.Metadata.Name);
        Assert.Equal(["unrelated"], left);
    }

    [Fact]
    public async Task Create_WithOwnersAlreadyGone_IsAccepted_ThenGarbageCollected()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        var owner = await kube.CreateSecretAsync("owner");
        var reference = Objects.OwnerOf(owner);
        await core.DeleteNamespacedSecretAsync("owner", kube.Namespace, cancellationToken: TestKube.Ct);
        var sameName = await kube.CreateSecretAsync("owner"); // a new object under the old name: another uid

        var late = await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("late", reference), kube.Namespace, cancellationToken: TestKube.Ct);
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("owned", Objects.OwnerOf(sameName)), kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Equal("late", late.Metadata.Name);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound,
            () => core.ReadNamespacedConfigMapAsync("late", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.NotNull(await core.ReadNamespacedConfigMapAsync("owned", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task Delete_WithOrphanPolicy_KeepsOwnedObjects()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        var owner = await kube.CreateSecretAsync("owner");
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("child", Objects.OwnerOf(owner)), kube.Namespace, cancellationToken: TestKube.Ct);

        await core.DeleteNamespacedSecretAsync("owner", kube.Namespace, propagationPolicy: "Orphan", cancellationToken: TestKube.Ct);

        Assert.NotNull(await core.ReadNamespacedConfigMapAsync("child", kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task DeleteNamespace_DeletesItsContents()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        await kube.CreateSecretAsync("inside");
        await core.DeleteNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct);

        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => core.ReadNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.DoesNotContain((await core.ListSecretForAllNamespacesAsync(cancellationToken: TestKube.Ct)).Items, s => s.Metadata.NamespaceProperty == kube.Namespace);
    }

    [Fact]
    public async Task DeleteNamespace_StaysTerminating_WhileAnObjectHasFinalizers()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        await core.CreateNamespacedConfigMapAsync(Objects.ConfigMap("held", finalizers: ["example.com/hold"]), kube.Namespace, cancellationToken: TestKube.Ct);
        await core.DeleteNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct);

        var ns = await core.ReadNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("Terminating", ns.Status.Phase);
        await TestKube.ExpectStatusAsync(HttpStatusCode.Forbidden, () => kube.CreateSecretAsync("late"));

        var held = await core.ReadNamespacedConfigMapAsync("held", kube.Namespace, cancellationToken: TestKube.Ct);
        held.Metadata.Finalizers = [];
        await core.ReplaceNamespacedConfigMapAsync(held, "held", kube.Namespace, cancellationToken: TestKube.Ct);
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound, () => core.ReadNamespaceAsync(kube.Namespace, cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task DeleteCollection_DeletesOnlySelectedObjects()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("a", new Dictionary<string, string> { ["batch"] = "1" });
        await kube.CreateSecretAsync("b", new Dictionary<string, string> { ["batch"] = "1" });
        await kube.CreateSecretAsync("c");

        await kube.Client.CoreV1.DeleteCollectionNamespacedSecretAsync(kube.Namespace, labelSelector: "batch=1", cancellationToken: TestKube.Ct);

        Assert.Equal(["c"], (await kube.Client.CoreV1.ListNamespacedSecretAsync(kube.Namespace, cancellationToken: TestKube.Ct)).Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task Delete_WithStaleUidPrecondition_Is409()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("recreated");
        var options = new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = Guid.NewGuid().ToString() } };

        await TestKube.ExpectStatusAsync(HttpStatusCode.Conflict,
            () => kube.Client.CoreV1.DeleteNamespacedSecretAsync("recreated", kube.Namespace, options, cancellationToken: TestKube.Ct));
    }
}
