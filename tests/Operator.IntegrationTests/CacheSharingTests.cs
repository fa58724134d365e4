using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.IntegrationTests;

/// <summary>Issue 21: the informer caches hold what a group and its Secret have in common once, through the real informers.</summary>
public sealed class CacheSharingTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task AGroupAndItsSecret_HoldOneInstanceOfTheUidAndDataHash_AlsoAfterTheValuesChange()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["A"] = "a-1" });
        await h.CreateIntegrationAsync();
        await h.SetSourceValuesAsync("kept", new Dictionary<string, string> { ["B"] = "b-1" });
        await h.CreateGroupAsync(Ns, "app", ["A"]);
        // An orphaned Secret has no owner reference: the group-uid annotation says whose it is.
        await h.CreateGroupAsync(Ns, "kept", ["B"], g => g.Spec.Target = new SecretTargetSpec { CreationPolicy = SecretTargetSpec.Orphan });
        await h.WaitForGroupAsync(Ns, "app", "True", "Synced");
        await h.WaitForGroupAsync(Ns, "kept", "True", "Synced");
        await AssertSharedAsync(h);
        await AssertSharedAsync(h, "kept");

        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["A"] = "a-2" });
        await h.AdvanceAsync(TimeSpan.FromMinutes(70));
        await OperatorHarness.WaitForAsync(async () => (await h.GetSecretAsync(Ns, "app"))?.Data["A"] is [.., (byte)'2'], "the new value");
        await AssertSharedAsync(h);

        // A claim is found by name and checked by its data: its cached form carries no uid.
        var claims = h.Host!.Services.GetRequiredService<IResourceCache<V1ConfigMap>>();
        var claim = claims.Get(new ObjectKey(OperatorHarness.OperatorNamespace, GroupClaims.NameOf(h.Tenant, "app")));
        Assert.NotNull(claim?.Data);
        Assert.Null(claim.Metadata.Uid);
    }

    [Fact]
    public async Task ASecretForgedByANamespaceUser_ChangesNoCachedValueOfTheGroup_AndSharesNothingItDoesNotEqual()
    {
        await using var h = await OperatorHarness.StartAsync();
        await h.CreateNamespaceAsync(Ns);
        await h.SetSourceValuesAsync("app", new Dictionary<string, string> { ["A"] = "a-1" });
        await h.CreateIntegrationAsync();
        await h.CreateGroupAsync(Ns, "app", ["A"]);
        await h.WaitForGroupAsync(Ns, "app", "True", "Synced");
        await AssertSharedAsync(h);
        var groups = h.Host!.Services.GetRequiredService<IResourceCache<SecretGroup>>();
        var secrets = h.Host.Services.GetRequiredService<IResourceCache<V1Secret>>();
        var before = groups.Get(new ObjectKey(Ns, "app"))!;
        var (uid, hash) = (before.Metadata.Uid, before.Status!.DataHash);

        // Someone who may write Secrets in the namespace labels one as the group's, with its own hash and uid.
        await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "forged",
                Labels = new Dictionary<string, string> { [ManagedLabels.ManagedBy] = ManagedLabels.ManagedByValue, [ManagedLabels.Group] = "app" },
                Annotations = new Dictionary<string, string> { [ManagedLabels.DataHash] = "hmac-sha256:forged", [ManagedLabels.GroupUid] = "not-the-group" },
            },
        }, Ns, cancellationToken: TestContext.Current.CancellationToken);
        await OperatorHarness.WaitForAsync(() => Task.FromResult(secrets.Get(new ObjectKey(Ns, "forged")) is not null), "the forged Secret in the cache");

        var forged = secrets.Get(new ObjectKey(Ns, "forged"))!;
        Assert.Equal("hmac-sha256:forged", forged.Metadata.Annotations[ManagedLabels.DataHash]);
        Assert.Equal("not-the-group", forged.Metadata.Annotations[ManagedLabels.GroupUid]);
        var after = groups.Get(new ObjectKey(Ns, "app"))!;
        Assert.Equal(uid, after.Metadata.Uid);
        Assert.Equal(hash, after.Status!.DataHash);
        await AssertSharedAsync(h);
    }

    /// <summary>Waits until both caches show the API's current hash, then checks they hold one instance of it and of the uid.</summary>
    private static async Task AssertSharedAsync(OperatorHarness h, string name = "app")
    {
        var services = h.Host!.Services;
        var groups = services.GetRequiredService<IResourceCache<SecretGroup>>();
        var secrets = services.GetRequiredService<IResourceCache<V1Secret>>();
        var key = new ObjectKey(Ns, name);
        var live = (await h.GetSecretAsync(Ns, name))!.Metadata.Annotations[ManagedLabels.DataHash];
        await OperatorHarness.WaitForAsync(
            () => Task.FromResult(groups.Get(key)?.Status?.DataHash == live && secrets.Get(key)?.Metadata.Annotations[ManagedLabels.DataHash] == live),
            "both caches to show the current hash");

        var group = groups.Get(key)!;
        var secret = secrets.Get(key)!;
        Assert.Same(group.Status!.DataHash, secret.Metadata.Annotations[ManagedLabels.DataHash]);
        Assert.Same(group.Status.DataHash, CachedSecrets.VerifiedHashOf(secret));
        if (group.Spec.Target?.Creation == SecretTargetSpec.Orphan)
        {
            Assert.Same(group.Metadata.Uid, secret.Metadata.Annotations[ManagedLabels.GroupUid]);
            Assert.Null(secret.Metadata.OwnerReferences);
        }
        else
        {
            Assert.Same(group.Metadata.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);
        }
    }
}
