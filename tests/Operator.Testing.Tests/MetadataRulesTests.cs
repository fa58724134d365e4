using System.Net;
using k8s;
using k8s.Models;

namespace Operator.Testing.Tests;

public sealed class MetadataRulesTests
{
    [Fact]
    public async Task Create_SetsUidCreationTimestampAndIncreasingResourceVersion()
    {
        await using var kube = await TestKube.StartAsync();
        var first = await kube.CreateSecretAsync("first");
        var second = await kube.CreateSecretAsync("second");

        Assert.False(string.IsNullOrEmpty(first.Metadata.Uid));
        Assert.NotNull(first.Metadata.CreationTimestamp);
        Assert.True(long.Parse(second.Metadata.ResourceVersion) > long.Parse(first.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Timestamps_ComeFromTheConfiguredTimeProvider()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var kube = await TestKube.StartAsync(new Operator.Testing.Kube.KubeApiEmulatorOptions { TimeProvider = clock });
        var created = await kube.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("timed", finalizers: ["example.com/x"]), kube.Namespace, cancellationToken: TestKube.Ct);
        clock.Advance(TimeSpan.FromMinutes(5));

        await kube.Client.CoreV1.DeleteNamespacedConfigMapAsync("timed", kube.Namespace, cancellationToken: TestKube.Ct);
        var deleting = await kube.Client.CoreV1.ReadNamespacedConfigMapAsync("timed", kube.Namespace, cancellationToken: TestKube.Ct);

        Assert.Equal(new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc), created.Metadata.CreationTimestamp!.Value.ToUniversalTime());
        Assert.Equal(new DateTime(2030, 1, 2, 3, 9, 5, DateTimeKind.Utc), deleting.Metadata.DeletionTimestamp!.Value.ToUniversalTime());
    }

    [Fact]
    public async Task Update_WithStaleResourceVersion_Is409Conflict()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = await kube.CreateSecretAsync("conflicted");
        var stale = secret.Metadata.ResourceVersion;
        secret.Data["key"] = "bmV3"u8.ToArray();
        var updated = await kube.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "conflicted", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.NotEqual(stale, updated.Metadata.ResourceVersion);

        secret.Metadata.ResourceVersion = stale;
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.Conflict,
            () => kube.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "conflicted", kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("the object has been modified", error.Response.Content);
        Assert.Contains("\"reason\":\"Conflict\"", error.Response.Content);
    }

    [Fact]
    public async Task Create_Duplicate_Is409AlreadyExists()
    {
        await using var kube = await TestKube.StartAsync();
        await kube.CreateSecretAsync("twice");
        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.Conflict, () => kube.CreateSecretAsync("twice"));
        Assert.Contains("\"reason\":\"AlreadyExists\"", error.Response.Content);
    }

    [Fact]
    public async Task Create_WithGenerateName_GetsUniqueName()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = new V1Secret { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };
        var a = await kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct);
        var b = await kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.StartsWith("gen-", a.Metadata.Name);
        Assert.NotEqual(a.Metadata.Name, b.Metadata.Name);
    }

    [Fact]
    public async Task Create_InMissingNamespace_Is404()
    {
        await using var kube = await TestKube.StartAsync();
        await TestKube.ExpectStatusAsync(HttpStatusCode.NotFound,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(TestKube.Secret("x"), "no-such-namespace", cancellationToken: TestKube.Ct));
    }

    [Fact]
    public async Task StartsWithDefaultKubeSystemAndKubePublicNamespaces()
    {
        await using var kube = await TestKube.StartAsync();
        var names = (await kube.Client.CoreV1.ListNamespaceAsync(cancellationToken: TestKube.Ct)).Items.Select(n => n.Metadata.Name).ToList();
        Assert.Contains("default", names);
        Assert.Contains("kube-system", names);
        Assert.Contains("kube-public", names);
    }

    [Fact]
    public async Task Generation_IsBumpedBySpecChanges_NotByMetadataOrStatus()
    {
        await using var kube = await TestKube.StartAsync();
        var apps = kube.Client.AppsV1;
        var deployment = await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web", replicas: 1), kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        deployment = await apps.ReplaceNamespacedDeploymentAsync(deployment, "web", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Status = new V1DeploymentStatus { Replicas = 1 };
        deployment = await apps.ReplaceNamespacedDeploymentStatusAsync(deployment, "web", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Spec.Replicas = 3;
        deployment = await apps.ReplaceNamespacedDeploymentAsync(deployment, "web", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(2, deployment.Metadata.Generation);
    }

    [Fact]
    public async Task StatusSubresource_SeparatesStatusWritesFromSpecWrites()
    {
        await using var kube = await TestKube.StartAsync();
        var apps = kube.Client.AppsV1;
        var created = await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("split", replicas: 1), kube.Namespace, cancellationToken: TestKube.Ct);

        created.Status = new V1DeploymentStatus { ReadyReplicas = 7 };
        var viaMain = await apps.ReplaceNamespacedDeploymentAsync(created, "split", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Null(viaMain.Status?.ReadyReplicas);

        viaMain.Spec.Replicas = 5;
        viaMain.Status = new V1DeploymentStatus { ReadyReplicas = 2 };
        var viaStatus = await apps.ReplaceNamespacedDeploymentStatusAsync(viaMain, "split", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(2, viaStatus.Status.ReadyReplicas);
        Assert.Equal(1, viaStatus.Spec.Replicas);
    }

    [Fact]
    public async Task NoOpUpdate_KeepsResourceVersion()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = await kube.CreateSecretAsync("same");
        var again = await kube.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "same", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal(secret.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }
}

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ConcurrentOptimisticUpdates_NeverLoseAWrite()
    {
        await using var kube = await TestKube.StartAsync();
        var core = kube.Client.CoreV1;
        await core.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "counter" },
            Data = new Dictionary<string, string> { ["n"] = "0" },
        }, kube.Namespace, cancellationToken: TestKube.Ct);
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var client = kube.Emulator.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                while (true)
                {
                    var map = await client.CoreV1.ReadNamespacedConfigMapAsync("counter", kube.Namespace, cancellationToken: TestKube.Ct);
                    map.Data["n"] = (int.Parse(map.Data["n"]) + 1).ToString();
                    try
                    {
                        await client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "counter", kube.Namespace, cancellationToken: TestKube.Ct);
                        break;
                    }
                    catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        })));

        var final = await core.ReadNamespacedConfigMapAsync("counter", kube.Namespace, cancellationToken: TestKube.Ct);
        Assert.Equal("40", final.Data["n"]);
    }

    [Fact]
    public async Task Create_WithResourceVersionSet_IsRefused()
    {
        await using var kube = await TestKube.StartAsync();
        var secret = await kube.CreateSecretAsync("once");
        await kube.Client.CoreV1.DeleteNamespacedSecretAsync("once", kube.Namespace, cancellationToken: TestKube.Ct);

        var error = await TestKube.ExpectStatusAsync(HttpStatusCode.InternalServerError,
            () => kube.Client.CoreV1.CreateNamespacedSecretAsync(secret, kube.Namespace, cancellationToken: TestKube.Ct));
        Assert.Contains("resourceVersion should not be set on objects to be created", error.Response.Content);
    }
}
